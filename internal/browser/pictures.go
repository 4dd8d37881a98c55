package browser

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Frame is a flame-graph frame as the page shows it, in CSS pixels.
type Frame struct {
	Name   string  `json:"name"`
	Kind   string  `json:"kind"` // "u", "k", "l"
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
	W      float64 `json:"w"`
	H      float64 `json:"h"`
	Fill   string  `json:"fill"`
	Hidden bool    `json:"hidden"`
	Graph  int     `json:"graph"` // which svg.sonde-flame of the page
}

// Frames lists the frames of every flame graph on the page, as drawn now.
// Names come from flame.js (sondeName), so a frame is only listed once the
// script has run.
func (b *Browser) Frames(t testing.TB) []Frame {
	t.Helper()
	var fs []Frame
	b.Eval(t, `(() => {
		const out = [];
		document.querySelectorAll("svg.sonde-flame").forEach((svg, gi) => {
			svg.querySelectorAll("g.sf-f").forEach(g => {
				const r = g.querySelector("rect"), bb = r.getBoundingClientRect();
				out.push({name: g.sondeName || "", kind: g.getAttribute("data-k"),
					x: bb.x, y: bb.y, w: bb.width, h: bb.height, fill: r.getAttribute("fill"),
					hidden: getComputedStyle(g).display === "none", graph: gi});
			});
		});
		return out;
	})()`, &fs)
	return fs
}

// Find returns the visible frame of graph g named name.
func Find(fs []Frame, g int, name string) (Frame, bool) {
	for _, f := range fs {
		if f.Graph == g && f.Name == name && !f.Hidden {
			return f, true
		}
	}
	return Frame{}, false
}

// Text returns the text content of the first element matching sel.
func (b *Browser) Text(t testing.TB, sel string) string {
	t.Helper()
	var s string
	b.Eval(t, fmt.Sprintf(`(document.querySelector(%q) || {textContent: ""}).textContent`, sel), &s)
	return s
}

// SavePNG writes a screenshot to dir/name, logs its path, and fails t
// when the picture is blank: fewer than minColours distinct colours, or
// one colour covering nearly all of it.
func SavePNG(t *testing.T, dir, name string, shot []byte, minColours int) {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot %s is not a PNG: %v", path, err)
	}
	colours, top := variety(img)
	total := img.Bounds().Dx() * img.Bounds().Dy()
	if colours < minColours || float64(top) > 0.98*float64(total) {
		t.Errorf("screenshot %s looks blank: %d colours, the commonest covers %d of %d pixels", path, colours, top, total)
	}
}

// variety counts an image's distinct colours and the pixels of the
// commonest one.
func variety(img image.Image) (colours, top int) {
	counts := map[uint32]int{}
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			counts[cr>>8<<16|cg>>8<<8|cb>>8]++
		}
	}
	for _, n := range counts {
		top = max(top, n)
	}
	return len(counts), top
}

// NoErrors fails t on console errors or requests for anything outside
// the page itself.
func (b *Browser) NoErrors(t testing.TB, page string) {
	t.Helper()
	if errs := b.Errors(); len(errs) > 0 {
		t.Errorf("console errors on %s:\n%s", page, strings.Join(errs, "\n"))
	}
	if reqs := b.Requests(page); len(reqs) > 0 {
		t.Errorf("%s requested %v: it must be self-contained", page, reqs)
	}
}

// FlameCheck is what CheckFlameGraph expects of a flame graph.
type FlameCheck struct {
	Want       map[string]float64 // frame name -> its share of all samples
	Zoom       string             // a frame to click
	Search     string             // a regular expression to search for
	MatchShare float64            // the share the search must report
	// Tolerance is how far a share may be off: Tolerance + 10% of it
	// (default 0.02).
	Tolerance float64
}

// CheckFlameGraph opens a flame graph (an SVG, or the first of a page) in
// Chromium as a person would: it must render without errors or network
// requests; the frames of c.Want must be there with their widths;
// hovering shows a tooltip, clicking c.Zoom zooms into it, Reset Zoom goes
// back, and searching highlights the matches and reports their share. It
// keeps a screenshot of each step in dir, named after prefix.
func CheckFlameGraph(t *testing.T, b *Browser, page, dir, prefix string, c FlameCheck) {
	t.Helper()
	zoom, search, want, matchShare := c.Zoom, c.Search, c.Want, c.MatchShare
	tol := c.Tolerance
	if tol == 0 {
		tol = 0.02
	}
	b.Load(t, page)
	if strings.HasSuffix(page, ".svg") {
		b.FitToPage(t)
	}
	fs := b.Frames(t)
	root, ok := Find(fs, 0, "all")
	if !ok {
		t.Fatalf("%s: no root frame among %d", page, len(fs))
	}
	for name, share := range want {
		w := 0.0
		for _, f := range fs {
			if f.Name == name && !f.Hidden {
				w += f.W
			}
		}
		if got := w / root.W; math.Abs(got-share) > tol+0.1*share {
			t.Errorf("%s: frame %s is %.3f of the width, want %.3f", page, name, got, share)
		}
	}
	SavePNG(t, dir, prefix+".png", b.Screenshot(t), 20)

	z, ok := Find(fs, 0, zoom)
	if !ok {
		t.Fatalf("%s: no frame %s to zoom into", page, zoom)
	}
	b.Hover(t, z.X+z.W/2, z.Y+z.H/2)
	if tip := b.Text(t, ".sf-tip"); !strings.Contains(tip, zoom) || !strings.Contains(tip, "%") {
		t.Errorf("%s: hovering %s shows tooltip %q", page, zoom, tip)
	}
	b.Click(t, z.X+z.W/2, z.Y+z.H/2)
	after := b.Frames(t)
	zz, ok := Find(after, 0, zoom)
	if !ok || math.Abs(zz.W-root.W) > 1 {
		t.Errorf("%s: after clicking %s it is %.1f px wide, want the full %.1f", page, zoom, zz.W, root.W)
	}
	hidden := 0
	for _, f := range after {
		if f.Hidden {
			hidden++
		}
	}
	if hidden == 0 {
		t.Errorf("%s: zooming into %s hid no other frame", page, zoom)
	}
	SavePNG(t, dir, prefix+"-zoomed.png", b.Screenshot(t), 20)
	b.ClickOn(t, ".sf-unzoom")
	if back, _ := Find(b.Frames(t), 0, zoom); math.Abs(back.W-z.W) > 0.5 {
		t.Errorf("%s: Reset Zoom left %s %.1f px wide, was %.1f", page, zoom, back.W, z.W)
	}

	b.AnswerPrompts(search)
	b.ClickOn(t, ".sf-search")
	matched := b.Text(t, ".sf-matched")
	var share float64
	if _, err := fmt.Sscanf(matched, "Matched: %f%%", &share); err != nil {
		t.Errorf("%s: search %q shows %q", page, search, matched)
	}
	if math.Abs(share/100-matchShare) > tol+0.1*matchShare {
		t.Errorf("%s: search %q matched %.2f%%, want about %.2f%%", page, search, share, 100*matchShare)
	}
	hl := 0
	for _, f := range b.Frames(t) {
		if f.Fill == "rgb(230,0,230)" {
			hl++
		}
	}
	if hl == 0 {
		t.Errorf("%s: search %q highlighted nothing", page, search)
	}
	SavePNG(t, dir, prefix+"-search.png", b.Screenshot(t), 20)
	b.NoErrors(t, page)
}
