// Package browser drives Debian's headless Chromium from tests, so the
// pictures sonde draws are checked as a person sees them: rendered, clicked,
// searched and photographed. Only tests import it; the sonde binary does
// not link it (internal/layering checks).
package browser

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Browser is one Chromium tab.
type Browser struct {
	ctx context.Context

	mu       sync.Mutex
	errors   []string // console errors and uncaught exceptions
	requests []string // every URL the page asked for
	prompt   string   // the answer to the next window.prompt
}

// Path finds Chromium, or says why there is none.
func Path() (string, error) {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no chromium on PATH (apt-get install chromium; .ci/run installs it)")
}

// Open starts a fresh headless Chromium with a window of w×h pixels, or
// skips t when there is none. It is closed when t ends.
func Open(t testing.TB, w, h int) *Browser {
	t.Helper()
	exe, err := Path()
	if err != nil {
		t.Skip(err)
	}
	if testing.Short() {
		t.Skip("browser tests are slow: skipped with -short")
	}
	// Without these, Chromium waits on network services that the closed
	// network never answers.
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(w, h),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	b := &Browser{ctx: ctx}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(w), int64(h))); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	console := chromedp.Console(ctx)
	requests := chromedp.Events(ctx, network.RequestWillBeSent)
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				b.mu.Lock()
				b.errors = append(b.errors, m.String())
				b.mu.Unlock()
			}
		}
	}()
	go func() {
		for ev, err := range requests {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.requests = append(b.requests, ev.Request.URL)
			b.mu.Unlock()
		}
	}()
	go func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			b.mu.Lock()
			answer := b.prompt
			b.mu.Unlock()
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true, PromptText: answer})
		}
	}()
	return b
}

// Load opens a local file and waits until it has loaded.
func (b *Browser) Load(t testing.TB, path string) {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.ctx, chromedp.Navigate("file://"+abs)); err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
}

// Eval evaluates a JavaScript expression into out (JSON-decoded).
func (b *Browser) Eval(t testing.TB, js string, out any) {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[json.RawMessage](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	if err := json.Unmarshal(v, out); err != nil {
		t.Fatalf("evaluate %s: %v (%s)", js, err, v)
	}
}

// Click clicks the page at (x, y) CSS pixels, as a mouse does.
func (b *Browser) Click(t testing.TB, x, y float64) {
	t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.MouseClickXY(x, y)); err != nil {
		t.Fatalf("click at %.0f,%.0f: %v", x, y, err)
	}
}

// Hover moves the mouse to (x, y).
func (b *Browser) Hover(t testing.TB, x, y float64) {
	t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y)); err != nil {
		t.Fatalf("hover at %.0f,%.0f: %v", x, y, err)
	}
}

// AnswerPrompts makes window.prompt return s from now on.
func (b *Browser) AnswerPrompts(s string) {
	b.mu.Lock()
	b.prompt = s
	b.mu.Unlock()
}

// Screenshot photographs the whole page as PNG.
func (b *Browser) Screenshot(t testing.TB) []byte {
	t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	return png
}

// Errors returns the console errors and uncaught exceptions so far.
func (b *Browser) Errors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.errors...)
}

// Requests returns every URL the page asked for that is neither the file
// itself nor inline data: what a self-contained page must not have.
func (b *Browser) Requests(self string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	abs, _ := filepath.Abs(self)
	var out []string
	for _, u := range b.requests {
		if u == "file://"+abs || strings.HasPrefix(u, "data:") || strings.HasPrefix(u, "file://"+abs+"?") {
			continue
		}
		out = append(out, u)
	}
	return out
}

// ArtifactDir is where a test keeps files for people to look at: the
// test's artifact directory under -artifacts, else a directory under the
// system's temporary one that outlives the test. Its path is logged.
func ArtifactDir(t *testing.T) string {
	t.Helper()
	if f := flag.Lookup("test.artifacts"); f != nil && f.Value.String() == "true" {
		d := t.ArtifactDir()
		t.Logf("artifacts in %s", d)
		return d
	}
	d := filepath.Join(os.TempDir(), "sonde-pictures", strings.ReplaceAll(t.Name(), "/", "_"))
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("artifacts in %s", d)
	return d
}

// ClickOn scrolls the first element matching sel into view and clicks its
// middle.
func (b *Browser) ClickOn(t testing.TB, sel string) {
	t.Helper()
	var r struct{ X, Y float64 }
	b.Eval(t, fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e) return {X: -1, Y: -1};
		e.scrollIntoView({block: "center"}); const r = e.getBoundingClientRect();
		return {X: r.x + r.width/2, Y: r.y + r.height/2}; })()`, sel), &r)
	if r.X < 0 {
		t.Fatalf("nothing matches %s", sel)
	}
	b.Click(t, r.X, r.Y)
}

// FitToPage sizes the viewport to the page's content, so a screenshot of
// a lone SVG has no empty margin.
func (b *Browser) FitToPage(t testing.TB) {
	t.Helper()
	var sz struct{ W, H float64 }
	b.Eval(t, `(() => { const e = document.documentElement, r = e.getBoundingClientRect(); return {W: Math.ceil(r.width), H: Math.ceil(r.height)}; })()`, &sz)
	if sz.W > 0 && sz.H > 0 {
		if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(int64(sz.W), int64(sz.H))); err != nil {
			t.Fatalf("resize: %v", err)
		}
	}
}
