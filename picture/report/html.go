package report

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"html"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"sonde/picture/flame"
)

//go:embed report.css
var style string

//go:embed report.js
var script string

// MaxRows is how many entries of a map a table shows: the largest, as the
// text output prints last. A browser stays responsive with this many.
const MaxRows = 2000

// csp forbids the page every request: it is one file, read offline.
const csp = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"

// Write writes r as one HTML page that loads nothing from outside.
func Write(w io.Writer, r *Report) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	p := &page{w: bw}
	title := r.Title
	if title == "" {
		title = "sonde report"
	}
	p.f("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	p.f("<meta http-equiv=\"Content-Security-Policy\" content=\"%s\">\n", csp)
	p.f("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	p.f("<title>%s</title>\n<style>\n%s%s</style>\n</head>\n<body>\n", esc(title), style, flame.Style())
	p.facts(r, title)
	for i := range r.Maps {
		if err := p.mapSection(i, &r.Maps[i]); err != nil {
			return err
		}
	}
	p.f("<footer>Written by sonde at %s.</footer>\n", esc(time.Now().Format(time.RFC1123)))
	p.f("<script>\n%s\n%s</script>\n</body>\n</html>\n", flame.Script(), script)
	return bw.Flush()
}

type page struct {
	w *bufio.Writer
}

func (p *page) f(format string, args ...any) { fmt.Fprintf(p.w, format, args...) }

func esc(s string) string { return html.EscapeString(s) }

func (p *page) facts(r *Report, title string) {
	p.f("<header>\n<h1>%s</h1>\n<dl class=\"facts\">\n", esc(title))
	fact := func(k, v string) { p.f("<div><dt>%s</dt><dd>%s</dd></div>\n", k, v) }
	if r.ScriptName != "" {
		fact("script", esc(r.ScriptName))
	}
	if !r.Started.IsZero() {
		fact("started", esc(r.Started.Format("2006-01-02 15:04:05 MST")))
	}
	fact("duration", esc(formatDuration(r.Duration)))
	fact("probes", strconv.Itoa(len(r.Probes)))
	fact("maps", strconv.Itoa(len(r.Maps)))
	lost := strconv.FormatUint(r.Lost, 10)
	if r.Lost > 0 {
		lost = "<span class=\"bad\">" + lost + "</span>"
	}
	fact("lost events", lost)
	p.f("</dl>\n")
	for _, w := range r.Warnings {
		p.f("<p class=\"warning\">%s</p>\n", esc(w))
	}
	if r.Script != "" {
		p.f("<details open><summary>Program</summary><pre class=\"script\">%s</pre></details>\n", esc(strings.TrimRight(r.Script, "\n")))
	}
	if len(r.Probes) > 0 {
		p.f("<details><summary>Probes (%d)</summary><ul class=\"probes\">", len(r.Probes))
		for _, pr := range r.Probes {
			p.f("<li>%s</li>", esc(pr))
		}
		p.f("</ul></details>\n")
	}
	if len(r.Maps) > 1 {
		p.f("<nav>")
		for i, m := range r.Maps {
			p.f("<a href=\"#map-%d\">%s</a>", i, esc(m.Name))
		}
		p.f("</nav>\n")
	}
	p.f("</header>\n")
}

func formatDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "–"
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	}
	return d.Round(10 * time.Millisecond).String()
}

func (p *page) mapSection(i int, m *Map) error {
	kind := m.Kind
	p.f("<section class=\"map\" id=\"map-%d\" data-name=\"%s\">\n<h2>%s <small>%s</small></h2>\n", i, esc(m.Name), esc(m.Name), esc(kind))
	switch {
	case m.Flame != nil:
		p.f("<div class=\"flame\">\n")
		if err := flame.WriteSVG(p.w, m.Flame, flame.Options{Fragment: true, ID: fmt.Sprintf("m%d-", i), Title: "Flame Graph: " + m.Name}); err != nil {
			return err
		}
		p.f("</div>\n")
	case len(m.Hists) > 0:
		for _, h := range m.Hists {
			p.hist(&h)
		}
	case len(m.Series) > 0:
		for _, s := range m.Series {
			p.series(&s)
		}
	case m.Table != nil:
		p.table(m.Table)
	default:
		p.f("<p class=\"empty\">empty</p>\n")
	}
	p.f("</section>\n")
	return nil
}

// hist draws horizontal bars, one per bucket, as the text output's rows
// but scaled to the page: label, bar, count and share.
func (p *page) hist(h *Hist) {
	const rowH, labelW, barW, countW = 22, 130, 560, 150
	var total, mx uint64
	for _, b := range h.Buckets {
		total += b.Count
		mx = max(mx, b.Count)
	}
	if h.Key != "" {
		p.f("<h3>%s <small>%s in total</small></h3>\n", esc(h.Key), commas(total))
	} else {
		p.f("<h3><small>%s in total</small></h3>\n", commas(total))
	}
	height := len(h.Buckets)*rowH + 8
	width := labelW + barW + countW
	p.f("<svg class=\"hist\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" xmlns=\"http://www.w3.org/2000/svg\">\n", width, height, width, height)
	for i, b := range h.Buckets {
		y := 4 + i*rowH
		w := 0.0
		if mx > 0 {
			w = float64(b.Count) / float64(mx) * barW
		}
		if b.Count > 0 {
			w = math.Max(w, 1)
		}
		share := 0.0
		if total > 0 {
			share = 100 * float64(b.Count) / float64(total)
		}
		p.f("<g class=\"bar\"><title>%s: %s (%.1f%%)</title>", esc(b.Label), commas(b.Count), share)
		p.f("<rect class=\"row\" x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\"/>", y, width, rowH)
		p.f("<text class=\"label\" x=\"%d\" y=\"%d\">%s</text>", labelW-10, y+15, esc(b.Label))
		p.f("<rect class=\"fill\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" rx=\"2\"/>", labelW, y+3, w, rowH-6)
		p.f("<text class=\"count\" x=\"%.1f\" y=\"%d\">%s <tspan>%.1f%%</tspan></text></g>\n", float64(labelW)+w+6, y+15, commas(b.Count), share)
	}
	p.f("</svg>\n")
}

// series draws a line chart with the time since the start on x.
func (p *page) series(s *Series) {
	const w, h, left, right, top, bottom = 840, 260, 70, 20, 16, 34
	if s.Key != "" {
		p.f("<h3>%s</h3>\n", esc(s.Key))
	}
	if len(s.Points) == 0 {
		p.f("<p class=\"empty\">no points</p>\n")
		return
	}
	t0, t1 := s.Points[0].T, s.Points[len(s.Points)-1].T
	lo, hi := 0.0, 0.0
	for _, pt := range s.Points {
		lo, hi = math.Min(lo, pt.V), math.Max(hi, pt.V)
	}
	if hi == lo {
		hi = lo + 1
	}
	x := func(t time.Duration) float64 {
		if t1 == t0 {
			return left + (w-left-right)/2
		}
		return left + float64(t-t0)/float64(t1-t0)*(w-left-right)
	}
	y := func(v float64) float64 { return top + (hi-v)/(hi-lo)*(h-top-bottom) }
	p.f("<svg class=\"series\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" xmlns=\"http://www.w3.org/2000/svg\">\n", w, h, w, h)
	for i := 0; i <= 4; i++ {
		v := lo + (hi-lo)*float64(i)/4
		p.f("<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>", left, w-right, y(v), y(v))
		p.f("<text class=\"ytick\" x=\"%d\" y=\"%.1f\">%s</text>\n", left-6, y(v)+4, esc(shortNum(v)))
	}
	var line bytes.Buffer
	for i, pt := range s.Points {
		if i > 0 {
			line.WriteByte(' ')
		}
		fmt.Fprintf(&line, "%.1f,%.1f", x(pt.T), y(pt.V))
	}
	p.f("<polygon class=\"area\" points=\"%.1f,%.1f %s %.1f,%.1f\"/>\n", x(t0), y(math.Max(lo, 0)), line.String(), x(t1), y(math.Max(lo, 0)))
	p.f("<polyline class=\"line\" points=\"%s\"/>\n", line.String())
	for _, pt := range s.Points {
		p.f("<circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\"><title>%s: %s</title></circle>", x(pt.T), y(pt.V), esc(formatDuration(pt.T)), esc(shortNum(pt.V)))
	}
	p.f("\n<text class=\"xtick\" x=\"%d\" y=\"%d\">%s</text>", left, h-12, esc("+"+formatOffset(t0)))
	p.f("<text class=\"xtick end\" x=\"%d\" y=\"%d\">%s</text>\n</svg>\n", w-right, h-12, esc("+"+formatOffset(t1)))
}

func formatOffset(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	return formatDuration(d)
}

// table writes a sortable table: click a heading to sort by it.
func (p *page) table(t *Table) {
	if t.Total > len(t.Rows) {
		p.f("<p class=\"note\">The largest %s of %s entries.</p>\n", commas(uint64(len(t.Rows))), commas(uint64(t.Total)))
	}
	p.f("<table class=\"sortable\">\n<thead><tr>")
	for _, c := range t.Columns {
		cls := ""
		if c.Numeric {
			cls = " class=\"num\""
		}
		p.f("<th%s>%s</th>", cls, esc(c.Name))
	}
	p.f("</tr></thead>\n<tbody>\n")
	var b []byte
	for _, row := range t.Rows {
		b = append(b[:0], "<tr>"...)
		for i, c := range row {
			if i < len(t.Columns) && t.Columns[i].Numeric {
				b = append(b, `<td class="num" data-v="`...)
				b = strconv.AppendFloat(b, c.Num, 'g', -1, 64)
				b = append(b, `">`...)
			} else {
				b = append(b, "<td>"...)
			}
			b = append(b, esc(c.Text)...)
			b = append(b, "</td>"...)
		}
		b = append(b, "</tr>\n"...)
		p.w.Write(b)
	}
	p.f("</tbody>\n</table>\n")
}

func commas(n uint64) string {
	s := strconv.FormatUint(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// shortNum prints an axis value compactly: 1.5K, 2M.
func shortNum(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1e9:
		return strconv.FormatFloat(math.Round(v/1e8)/10, 'f', -1, 64) + "G"
	case a >= 1e6:
		return strconv.FormatFloat(math.Round(v/1e5)/10, 'f', -1, 64) + "M"
	case a >= 1e4:
		return strconv.FormatFloat(math.Round(v/1e2)/10, 'f', -1, 64) + "K"
	case a == math.Trunc(a):
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}
