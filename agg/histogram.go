package agg

import (
	"math"
	"strconv"

	"sonde/internal/jsonenc"
)

// The histogram rows hist and lhist print, shared by the two entries.

// histogram is a trimmed hist/lhist ready to print, shaped like bpftrace's
// Value::Histogram: labels[i] is the exclusive upper bound of row i, lower
// the lower bound of row 0 (nil: the row is "(..., labels[0])"), and a row
// past the last label is the overflow row "[labels[i-1], ...)".
type histogram struct {
	lower  *label
	labels []label
	counts []uint64
}

// label is a bucket bound. Plain labels are integers; two plain labels one
// apart make a single-value row "[v]". Suffixed labels ("1K") never do.
type label struct {
	num   int64
	text  string
	plain bool
}

func plainLabel(n int64) label {
	return label{num: n, text: strconv.FormatInt(n, 10), plain: true}
}

// usedRange returns the first and last non-empty bucket, or -1, -1.
func usedRange(counts []uint64) (int, int) {
	lo, hi := -1, -1
	for i, c := range counts {
		if c > 0 {
			if lo < 0 {
				lo = i
			}
			hi = i
		}
	}
	return lo, hi
}

func adjacent(a, b label) bool { return a.plain && b.plain && a.num+1 == b.num }

// rowLabel renders the header of row i as bpftrace's text output does.
func (h *histogram) rowLabel(dst []byte, i int) []byte {
	switch {
	case i == 0 && h.lower == nil:
		dst = append(dst, "(..., "...)
		dst = append(dst, h.labels[0].text...)
		return append(dst, ')')
	case i == 0 && len(h.labels) == 0:
		return appendOpenRow(dst, *h.lower)
	case i == 0:
		return appendRow(dst, *h.lower, h.labels[0])
	case i >= len(h.labels):
		return appendOpenRow(dst, h.labels[i-1])
	}
	return appendRow(dst, h.labels[i-1], h.labels[i])
}

func appendRow(dst []byte, a, b label) []byte {
	dst = append(dst, '[')
	dst = append(dst, a.text...)
	if adjacent(a, b) {
		return append(dst, ']')
	}
	dst = append(dst, ", "...)
	dst = append(dst, b.text...)
	return append(dst, ')')
}

func appendOpenRow(dst []byte, a label) []byte {
	dst = append(dst, '[')
	dst = append(dst, a.text...)
	return append(dst, ", ...)"...)
}

const barWidth = 52

// appendText renders the rows: label left in 16 columns, count right in 8,
// then a bar of '@' scaled to the largest count.
func (h *histogram) appendText(dst []byte) []byte {
	var mx uint64
	for _, c := range h.counts {
		mx = max(mx, c)
	}
	var hdr []byte
	for i, c := range h.counts {
		hdr = h.rowLabel(hdr[:0], i)
		dst = append(dst, hdr...)
		dst = appendSpaces(dst, 16-len(hdr))
		num := strconv.AppendUint(hdr[:0], c, 10)
		dst = appendSpaces(dst, 8-len(num))
		dst = append(dst, num...)
		dst = append(dst, " |"...)
		n := 0
		if mx > 0 {
			// bpftrace computes this in float: count / (float)max * 52.
			r := float32(c) / float32(mx)
			n = int(r * barWidth)
		}
		for j := 0; j < barWidth; j++ {
			if j < n {
				dst = append(dst, '@')
			} else {
				dst = append(dst, ' ')
			}
		}
		dst = append(dst, "|\n"...)
	}
	return dst
}

// appendJSON renders the rows as [{"min": a, "max": b, "count": c},...],
// where max is inclusive (the exclusive bound minus one).
func (h *histogram) appendJSON(dst []byte) []byte {
	dst = append(dst, '[')
	for i, c := range h.counts {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '{')
		if i == 0 && h.lower != nil {
			dst = append(dst, `"min": `...)
			dst = jsonenc.AppendInt(dst, uint64(h.lower.num), true)
			dst = append(dst, ", "...)
		} else if i > 0 {
			dst = append(dst, `"min": `...)
			dst = jsonenc.AppendInt(dst, uint64(h.labels[i-1].num), true)
			dst = append(dst, ", "...)
		}
		if i < len(h.labels) {
			dst = append(dst, `"max": `...)
			dst = jsonenc.AppendInt(dst, uint64(h.labels[i].num-1), true)
			dst = append(dst, ", "...)
		}
		dst = append(dst, `"count": `...)
		dst = strconv.AppendUint(dst, c, 10)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

func appendSpaces(dst []byte, n int) []byte {
	for ; n > 0; n-- {
		dst = append(dst, ' ')
	}
	return dst
}

// Row is one printed bucket of a histogram: Count values v with
// Low <= v < High. Low is math.MinInt64 for the row of everything below
// the first bound, High math.MaxInt64 for the row of everything from the
// last bound on.
type Row struct {
	Label     string // the row as text prints it: "[4, 8)", "[1K, 2K)", "[0]"
	Low, High int64
	Count     uint64
}

// rows returns the histogram's rows with their bounds.
func (h *histogram) rows() []Row {
	rows := make([]Row, len(h.counts))
	for i, c := range h.counts {
		r := Row{Label: string(h.rowLabel(nil, i)), Low: math.MinInt64, High: math.MaxInt64, Count: c}
		switch {
		case i > 0:
			r.Low = h.labels[i-1].num
		case h.lower != nil:
			r.Low = h.lower.num
		}
		if i < len(h.labels) && h.labels[i].num > r.Low {
			// (hist's last bound, 2^63, does not fit: that row is open.)
			r.High = h.labels[i].num
		}
		rows[i] = r
	}
	return rows
}

// printHistogram prints a bucketed value through build (the rows of hist
// or lhist) as text art or JSON rows.
func printHistogram(build func(m *Merged, p Params, div uint64) histogram) func([]byte, *Merged, Params, uint64, bool) []byte {
	return func(dst []byte, m *Merged, p Params, div uint64, json bool) []byte {
		h := build(m, p, div)
		if json {
			return h.appendJSON(dst)
		}
		return h.appendText(dst)
	}
}

// histogramRows is Aggregation.Rows through build.
func histogramRows(build func(m *Merged, p Params, div uint64) histogram) func(*Merged, Params, uint64) []Row {
	return func(m *Merged, p Params, div uint64) []Row {
		h := build(m, p, div)
		return h.rows()
	}
}
