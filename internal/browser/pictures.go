package browser

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
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
