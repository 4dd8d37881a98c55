package flame

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sonde/internal/browser"
)

// checkGraph opens a flame graph in Chromium as a person would: it must
// render without errors or network requests; the frames of want (name ->
// share of all samples) must be there with those widths; hovering shows a
// tooltip, clicking zoom zooms, Reset Zoom goes back, and searching for
// search highlights the matches and reports matchShare. It keeps a
// screenshot of each step in dir, named after prefix.
func checkGraph(t *testing.T, b *browser.Browser, page, dir, prefix, zoom, search string, want map[string]float64, matchShare float64) {
	t.Helper()
	b.Load(t, page)
	fs := b.Frames(t)
	root, ok := browser.Find(fs, 0, "all")
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
		if got := w / root.W; math.Abs(got-share) > 0.02+0.1*share {
			t.Errorf("%s: frame %s is %.3f of the width, want %.3f", page, name, got, share)
		}
	}
	browser.SavePNG(t, dir, prefix+".png", b.Screenshot(t), 20)

	z, ok := browser.Find(fs, 0, zoom)
	if !ok {
		t.Fatalf("%s: no frame %s to zoom into", page, zoom)
	}
	b.Hover(t, z.X+z.W/2, z.Y+z.H/2)
	if tip := b.Text(t, ".sf-tip"); !strings.Contains(tip, zoom) || !strings.Contains(tip, "%") {
		t.Errorf("%s: hovering %s shows tooltip %q", page, zoom, tip)
	}
	b.Click(t, z.X+z.W/2, z.Y+z.H/2)
	after := b.Frames(t)
	zz, ok := browser.Find(after, 0, zoom)
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
	browser.SavePNG(t, dir, prefix+"-zoomed.png", b.Screenshot(t), 20)
	b.ClickOn(t, ".sf-unzoom")
	if back, _ := browser.Find(b.Frames(t), 0, zoom); math.Abs(back.W-z.W) > 0.5 {
		t.Errorf("%s: Reset Zoom left %s %.1f px wide, was %.1f", page, zoom, back.W, z.W)
	}

	b.AnswerPrompts(search)
	b.ClickOn(t, ".sf-search")
	matched := b.Text(t, ".sf-matched")
	var share float64
	if _, err := fmt.Sscanf(matched, "Matched: %f%%", &share); err != nil {
		t.Errorf("%s: search %q shows %q", page, search, matched)
	}
	if math.Abs(share/100-matchShare) > 0.02+0.1*matchShare {
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
	browser.SavePNG(t, dir, prefix+"-search.png", b.Screenshot(t), 20)
	b.NoErrors(t, page)
}

func TestSVGInBrowser(t *testing.T) {
	b := browser.Open(t, 1200, 400)
	dir := browser.ArtifactDir(t)
	p := &Profile{Name: "@cpu", Stacks: []Stack{
		st(500, "main", "parse", "lex", "k:page_fault", "k:handle_mm_fault"),
		st(250, "main", "parse", "build"),
		st(200, "main", "render", "k:write", "k:vfs_write", "k:ext4_write"),
		st(50, "main"),
	}}
	page := filepath.Join(dir, "flame.svg")
	f, err := os.Create(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteSVG(f, p, Options{}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	t.Logf("flame graph: %s", page)
	checkGraph(t, b, page, dir, "flame", "parse", "^(vfs|ext4)_", map[string]float64{
		"main": 1, "parse": 0.75, "lex": 0.5, "build": 0.25, "render": 0.2, "handle_mm_fault": 0.5,
	}, 0.2)
}
