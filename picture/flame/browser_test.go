package flame

import (
	"os"
	"path/filepath"
	"testing"

	"sonde/internal/browser"
)

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
	browser.CheckFlameGraph(t, b, page, dir, "flame", browser.FlameCheck{
		Want: map[string]float64{"main": 1, "parse": 0.75, "lex": 0.5, "build": 0.25, "render": 0.2, "handle_mm_fault": 0.5},
		Zoom: "parse", Search: "^(vfs|ext4)_", MatchShare: 0.2,
	})
}
