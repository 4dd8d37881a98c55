package flame

import (
	"bufio"
	_ "embed"
	"hash/fnv"
	"io"
	"strconv"
	"strings"
)

// The geometry of flamegraph.pl, so the pictures look as people know them.
const (
	defaultWidth = 1200
	frameHeight  = 16
	fontSize     = 12
	fontWidth    = 0.59 // average glyph width in font sizes (Verdana)
	xpad         = 10
	ypadTop      = 60 // title, buttons and legend
	ypadBottom   = 34 // the details line
	// Frames narrower than minWidth pixels are merged into one frame per
	// parent: a large profile stays a few thousand elements, and nothing
	// that could be seen is lost.
	minWidth = 1.0
)

//go:embed flame.js
var script string

//go:embed flame.css
var style string

// Script and Style are the flame graph's code and styles, for a page that
// embeds several graphs written with Options.Fragment and includes them
// once.
func Script() string { return script }
func Style() string  { return style }

// Options shape the SVG.
type Options struct {
	Title string // default "Flame Graph: " + the profile's name
	Width int    // pixels; default 1200
	// Fragment writes an <svg> element for an HTML page: no XML prolog,
	// no script or style (the page includes Script and Style once).
	Fragment bool
	// ID prefixes the element ids, so several graphs can share a page.
	ID string
}

// WriteSVG writes p as an interactive flame graph: frames sized by count,
// root at the bottom, children in name order; kernel, user and label
// frames in their own palettes; a tooltip and details line on hover, click
// to zoom (Reset Zoom or Escape to go back), and Search (Ctrl-F, or ?s=RE
// in the URL) to highlight matching frames and show their share. The SVG
// loads nothing from outside.
func WriteSVG(w io.Writer, p *Profile, o Options) error {
	if o.Width <= 0 {
		o.Width = defaultWidth
	}
	if o.Title == "" {
		o.Title = "Flame Graph: " + p.Name
	}
	t := buildTree(p.Stacks, false)
	g := &svgWriter{w: bufio.NewWriterSize(w, 64<<10), t: t, width: float64(o.Width), unit: p.unit(), id: o.ID}
	g.scale = (g.width - 2*xpad) / float64(max(t.total, 1))
	g.height = float64((t.depth+1)*frameHeight + ypadTop + ypadBottom)
	g.header(o)
	g.str(`<g class="sf-frames">` + "\n")
	if t.total > 0 {
		g.layout(0, 0, 0)
	}
	g.str("</g>\n")
	g.footer(o)
	return g.w.Flush()
}

type svgWriter struct {
	w             *bufio.Writer
	t             *tree
	width, height float64
	scale         float64 // pixels per count
	unit, id      string
	buf           []byte
}

func (g *svgWriter) str(s string) { g.w.WriteString(s) }

// layout draws node n at depth d starting at count offset start, then its
// children left to right; children too narrow to see are merged into one
// frame after the others.
func (g *svgWriter) layout(n int32, d int, start uint64) {
	nd := &g.t.nodes[n]
	g.frame(g.t.names[nd.name], nd.kind, d, start, nd.value, "")
	x := start
	var small, smallN uint64
	smallKind := Kind(255)
	for _, c := range nd.children {
		cv := g.t.nodes[c].value
		if float64(cv)*g.scale < minWidth {
			small += cv
			smallN++
			if k := g.t.nodes[c].kind; smallKind == 255 || smallKind == k {
				smallKind = k
			} else {
				smallKind = Label
			}
			continue
		}
		g.layout(c, d+1, x)
		x += cv
	}
	if smallN > 0 && float64(small)*g.scale >= minWidth {
		name := strconv.FormatUint(smallN, 10) + " narrow frames"
		g.frame(name, smallKind, d+1, x, small, " sf-merged")
	}
}

func (g *svgWriter) frame(name string, k Kind, d int, start, value uint64, class string) {
	b := g.buf[:0]
	b = append(b, `<g class="sf-f`...)
	b = append(b, class...)
	b = append(b, `" data-s="`...)
	b = strconv.AppendUint(b, start, 10)
	b = append(b, `" data-v="`...)
	b = strconv.AppendUint(b, value, 10)
	b = append(b, `" data-k="`...)
	b = append(b, "ukl"[k%3])
	b = append(b, `"><title>`...)
	b = appendEscaped(b, name)
	b = append(b, " ("...)
	b = appendCount(b, value)
	b = append(b, ' ')
	b = append(b, g.unit...)
	b = append(b, ", "...)
	b = appendPercent(b, value, g.t.total)
	b = append(b, ")</title><rect x=\""...)
	x := xpad + float64(start)*g.scale
	wd := float64(value) * g.scale
	y := g.height - ypadBottom - float64((d+1)*frameHeight)
	b = strconv.AppendFloat(b, x, 'f', 1, 64)
	b = append(b, `" y="`...)
	b = strconv.AppendFloat(b, y, 'f', 0, 64)
	b = append(b, `" width="`...)
	b = strconv.AppendFloat(b, wd, 'f', 1, 64)
	b = append(b, `" height="`...)
	b = strconv.AppendInt(b, frameHeight-1, 10)
	b = append(b, `" fill="`...)
	b = appendColor(b, name, k, d == 0)
	b = append(b, `" rx="2" ry="2"/><text x="`...)
	b = strconv.AppendFloat(b, x+3, 'f', 1, 64)
	b = append(b, `" y="`...)
	b = strconv.AppendFloat(b, y+10.5, 'f', 1, 64)
	b = append(b, `">`...)
	b = appendEscaped(b, fitLabel(name, wd))
	b = append(b, "</text></g>\n"...)
	g.buf = b
	g.w.Write(b)
}

// fitLabel is as much of name as fits in w pixels, ".." marking a cut;
// nothing when fewer than three characters fit. flame.js does the same
// after a zoom.
func fitLabel(name string, w float64) string {
	chars := int((w - 6) / (fontSize * fontWidth))
	if chars < 3 {
		return ""
	}
	if len(name) <= chars {
		return name
	}
	r := []rune(name)
	if len(r) <= chars {
		return name
	}
	return string(r[:chars-2]) + ".."
}

// appendColor picks a frame's colour from a hash of its name, so the same
// function has the same colour everywhere: warm for user code (as
// flamegraph.pl's "hot"), aqua for the kernel, lavender for labels.
func appendColor(b []byte, name string, k Kind, root bool) []byte {
	h := fnv.New32a()
	h.Write([]byte(name))
	v := h.Sum32()
	v1 := float64(v&0xff) / 255
	v2 := float64(v>>8&0xff) / 255
	v3 := float64(v>>16&0xff) / 255
	var r, g, bl float64
	switch {
	case root:
		r, g, bl = 200, 200, 200
	case k == Kernel:
		r, g, bl = 50+60*v3, 165+55*v1, 165+55*v1
	case k == Label:
		r, g, bl = 170+30*v1, 160+30*v1, 210+35*v2
	default:
		r, g, bl = 205+50*v3, 230*v1, 55*v2
	}
	b = append(b, "rgb("...)
	b = strconv.AppendInt(b, int64(r), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(g), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(bl), 10)
	return append(b, ')')
}

// appendCount writes n with thousands separators, as flamegraph.pl does.
func appendCount(b []byte, n uint64) []byte {
	s := strconv.FormatUint(n, 10)
	for i, c := range []byte(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, c)
	}
	return b
}

func appendPercent(b []byte, n, total uint64) []byte {
	p := 0.0
	if total > 0 {
		p = 100 * float64(n) / float64(total)
	}
	b = strconv.AppendFloat(b, p, 'f', 2, 64)
	return append(b, '%')
}

func appendEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b = append(b, "&amp;"...)
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		case '"':
			b = append(b, "&quot;"...)
		default:
			if c < 0x20 && c != '\t' {
				c = ' ' // not allowed in XML 1.0
			}
			b = append(b, c)
		}
	}
	return b
}

func (g *svgWriter) header(o Options) {
	w, h := strconv.Itoa(int(g.width)), strconv.Itoa(int(g.height))
	if !o.Fragment {
		g.str(`<?xml version="1.0" standalone="no"?>` + "\n")
	}
	g.str(`<svg version="1.1" xmlns="http://www.w3.org/2000/svg" class="sonde-flame" width="` + w + `" height="` + h +
		`" viewBox="0 0 ` + w + ` ` + h + `" data-total="` + strconv.FormatUint(g.t.total, 10) + `" data-unit="` +
		string(appendEscaped(nil, g.unit)) + `" data-xpad="` + strconv.Itoa(xpad) + `">` + "\n")
	if !o.Fragment {
		g.str("<style>\n" + style + "</style>\n")
	}
	bg := g.id + "sf-bg"
	g.str(`<defs><linearGradient id="` + bg + `" y1="0" y2="1" x1="0" x2="0"><stop stop-color="#eeeeee" offset="5%"/><stop stop-color="#eeeeb0" offset="95%"/></linearGradient></defs>` + "\n")
	g.str(`<rect class="sf-bg" x="0" y="0" width="` + w + `" height="` + h + `" fill="url(#` + bg + `)"/>` + "\n")
	mid := strconv.Itoa(int(g.width / 2))
	right := strconv.Itoa(int(g.width) - xpad)
	g.str(`<text class="sf-title" x="` + mid + `" y="24">` + string(appendEscaped(nil, o.Title)) + "</text>\n")
	g.str(`<text class="sf-unzoom sf-button sf-hide" x="` + strconv.Itoa(xpad) + `" y="24">Reset Zoom</text>` + "\n")
	g.str(`<text class="sf-search sf-button" x="` + right + `" y="24">Search</text>` + "\n")
	// The legend: one swatch per kind present.
	kinds := [3]bool{}
	for _, n := range g.t.nodes[1:] {
		kinds[n.kind%3] = true
	}
	x := g.width/2 - 120
	for _, k := range []struct {
		kind Kind
		name string
		fill string
	}{{User, "user", "rgb(230,115,27)"}, {Kernel, "kernel", "rgb(80,192,192)"}, {Label, "key", "rgb(185,175,227)"}} {
		if !kinds[k.kind] {
			continue
		}
		xs := strconv.FormatFloat(x, 'f', 0, 64)
		g.str(`<rect class="sf-swatch" x="` + xs + `" y="36" width="10" height="10" rx="2" fill="` + k.fill + `"/>`)
		g.str(`<text class="sf-legend" x="` + strconv.FormatFloat(x+14, 'f', 0, 64) + `" y="45">` + k.name + " frames</text>\n")
		x += 90
	}
	total := appendCount(nil, g.t.total)
	g.str(`<text class="sf-total" x="` + right + `" y="45">` + string(total) + " " + string(appendEscaped(nil, g.unit)) + "</text>\n")
}

func (g *svgWriter) footer(o Options) {
	y := strconv.Itoa(int(g.height) - 14)
	g.str(`<text class="sf-details" x="` + strconv.Itoa(xpad) + `" y="` + y + `"> </text>` + "\n")
	g.str(`<text class="sf-matched" x="` + strconv.Itoa(int(g.width)-xpad) + `" y="` + y + `"> </text>` + "\n")
	g.str(`<g class="sf-tip" visibility="hidden"><rect rx="3" ry="3"/><text><tspan class="sf-tip-name"/><tspan class="sf-tip-count"/></text></g>` + "\n")
	if t := g.t; t.total == 0 {
		g.str(`<text class="sf-empty" x="` + strconv.Itoa(int(g.width/2)) + `" y="` + strconv.Itoa(int(g.height)/2) + `">no samples</text>` + "\n")
	}
	if !o.Fragment {
		g.str("<script><![CDATA[\n" + strings.ReplaceAll(script, "]]>", "]]]]><![CDATA[>") + "]]></script>\n")
	}
	g.str("</svg>\n")
}
