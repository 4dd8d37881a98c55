package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"sonde/internal/browser"
)

// burnShares are the CPU shares testdata/pictures/burn.c spends in its
// functions (its own loops, so each is the leaf of its samples).
var burnShares = map[string]float64{
	"main": 1, "run": 1, "hot": 0.6, "warm": 0.3, "warm_inner": 0.3, "cold": 0.1,
}

// buildBurn compiles the workload with frame pointers, or skips.
func buildBurn(t *testing.T) string {
	t.Helper()
	needRoot(t)
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("no C compiler (cc) to build the profiling workload")
	}
	exe := filepath.Join(t.TempDir(), "burn")
	runCmd(t, cc, "-O0", "-fno-omit-frame-pointer", "-o", exe, "testdata/pictures/burn.c")
	return exe
}

// folded matches a line as speedscope and flamegraph.pl read the format.
var foldedLine = regexp.MustCompile(`^(.*) (\d+)$`)

// One profile of a workload the test controls, in the three pictures:
// folded lines on stdout, the SVG and the report, both checked in
// Chromium.
func TestE2EPictures(t *testing.T) {
	exe := buildBurn(t)
	dir := browser.ArtifactDir(t)
	svg, html := filepath.Join(dir, "burn.svg"), filepath.Join(dir, "burn-report.html")
	prog := `profile:hz:999 /pid == cpid/ { @[comm, ustack] = count(); }
tp:syscalls:sys_exit_clock_gettime /pid == cpid/ { @calls = count(); }
profile:hz:999 /pid == cpid/ { @cpu = lhist(cpu, 0, 64, 1); }`
	stdout, stderr, code := sondeTimeout(t, 60*time.Second, "-f", "folded", "--flamegraph", svg, "--report", html, "-c", exe, "-e", prog)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "Wrote "+svg+", "+html) {
		t.Errorf("stderr does not name the files:\n%s", stderr)
	}
	// Folded: the stack map's lines, then the other maps as text.
	stacks := map[string]uint64{}
	var total uint64
	var text []string
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		m := foldedLine.FindStringSubmatch(line)
		if m == nil || strings.HasPrefix(line, "@") {
			text = append(text, line)
			continue
		}
		if strings.Contains(m[1], "+") {
			t.Errorf("frame with an offset: %q", line)
		}
		n, _ := strconv.ParseUint(m[2], 10, 64)
		stacks[m[1]] += n
		total += n
	}
	if total < 500 {
		t.Fatalf("%d samples of the workload, want a second's worth at 999 Hz:\n%s", total, stdout)
	}
	share := func(frame string) float64 {
		var n uint64
		for s, c := range stacks {
			if strings.HasPrefix(s, "burn;") && strings.Contains(";"+s+";", ";"+frame+";") {
				n += c
			}
		}
		return float64(n) / float64(total)
	}
	for f, want := range burnShares {
		if got := share(f); got < want-0.04-0.15*want || got > want+0.04+0.15*want {
			t.Errorf("folded: %s has %.3f of the samples, want %.2f", f, got, want)
		}
	}
	if len(text) == 0 || !strings.HasPrefix(text[0], "@calls: ") {
		t.Errorf("the other maps do not print as text: %q", text)
	}

	b := browser.Open(t, 1200, 500)
	browser.CheckFlameGraph(t, b, svg, dir, "burn-flame", browser.FlameCheck{
		Want: burnShares, Zoom: "warm", Search: "^(hot|cold)$", MatchShare: 0.7, Tolerance: 0.04,
	})
	frames := b.Frames(t)
	if f, ok := browser.Find(frames, 0, "burn"); !ok || f.Kind != "l" {
		t.Errorf("the comm key is not the outer frame: %+v", f)
	}
	if f, ok := browser.Find(frames, 0, "hot"); !ok || f.Kind != "u" {
		t.Errorf("hot is not a user frame: %+v", f)
	}

	b2 := browser.Open(t, 1300, 900)
	b2.Load(t, html)
	var sections []string
	b2.Eval(t, `Array.from(document.querySelectorAll("section.map")).map(s => s.getAttribute("data-name"))`, &sections)
	if strings.Join(sections, " ") != "@ @calls @cpu" {
		t.Errorf("report sections %v", sections)
	}
	var probes []string
	b2.Eval(t, `Array.from(document.querySelectorAll("ul.probes li")).map(l => l.textContent)`, &probes)
	if len(probes) != 3 {
		t.Errorf("report probes %v", probes)
	}
	var bars int
	b2.Eval(t, `document.querySelectorAll("section[data-name='@cpu'] svg.hist .fill").length`, &bars)
	if bars == 0 {
		t.Error("the lhist has no bars")
	}
	fs := b2.Frames(t)
	root, _ := browser.Find(fs, 0, "all")
	if hot, ok := browser.Find(fs, 0, "hot"); !ok || hot.W/root.W < 0.45 || hot.W/root.W > 0.75 {
		t.Errorf("the report's flame graph has hot at %.2f", hot.W/root.W)
	}
	browser.SavePNG(t, dir, "burn-report.png", b2.Screenshot(t), 50)
	b2.NoErrors(t, html)
}

// --flamegraph with nothing to draw is refused before anything attaches.
func TestE2EFlamegraphNeedsStacks(t *testing.T) {
	_, stderr, code := sonde(t, "--flamegraph", filepath.Join(t.TempDir(), "x.svg"), "-e", "BEGIN { @ = count(); exit(); }")
	if code != 1 || !strings.Contains(stderr, "--flamegraph: no map is keyed by a stack") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
}

// Several stack maps: one SVG per map, named after it; json output is
// printed as usual.
func TestE2EFlamegraphPerMap(t *testing.T) {
	needRoot(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "f.svg")
	stdout, stderr, code := sondeTimeout(t, 30*time.Second, "-f", "json", "--flamegraph", out, "-e",
		`profile:hz:99 { @k[kstack] = count(); @u[ustack] = count(); } interval:ms:300 { exit(); }`)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, `{"type": "map", "data": {"@k": `) {
		t.Errorf("json output missing:\n%.300s", stdout)
	}
	for _, f := range []string{"f-k.svg", "f-u.svg"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || !strings.Contains(string(b), `class="sonde-flame"`) {
			t.Errorf("%s: %v", f, err)
		}
	}
}
