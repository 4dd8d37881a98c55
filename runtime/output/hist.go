package output

import "strconv"

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

// buildHist mirrors bpftrace's build_histogram for hist(_, k).
func buildHist(counts []uint64, k int, div uint64) histogram {
	var h histogram
	lo, hi := usedRange(counts)
	if lo < 0 {
		return h
	}
	small := 2 << uint(k) // indexes up to here hold one value each
	if lo != 0 {
		l := histLabel(lo-1, k)
		if lo-1 <= small {
			l = plainLabel(int64(lo - 1))
		}
		h.lower = &l
	}
	for i := lo; i <= hi; i++ {
		switch {
		case i == 0:
			h.labels = append(h.labels, plainLabel(0))
		case i <= small:
			h.labels = append(h.labels, plainLabel(int64(i)))
		default:
			h.labels = append(h.labels, histLabel(i, k))
		}
		h.counts = append(h.counts, counts[i]/div)
	}
	return h
}

// histLabel is the lower bound of hist bucket index+1 (the upper bound of
// bucket index), with a 1024-based suffix: 2^power * (n + interval).
func histLabel(index, k int) label {
	n := 1 << uint(k)
	interval := index & (n - 1)
	power := index>>uint(k) - 1
	value := uint64(1) << uint(power) * uint64(n+interval)
	decade := power / 10
	power -= 10 * decade
	text := strconv.FormatUint(uint64(1)<<uint(power)*uint64(n+interval), 10)
	if decade > 0 {
		text += string("\x00KMGTPE"[decade])
	}
	return label{num: int64(value), text: text}
}

// buildLhist mirrors bpftrace's build_linear_histogram; div does not apply.
func buildLhist(counts []uint64, min, max, step int64) histogram {
	var h histogram
	lo, hi := usedRange(counts)
	if lo < 0 {
		return h
	}
	if lo != 0 {
		l := lhistLabel(min+int64(lo-1)*step, step)
		h.lower = &l
	}
	for i := lo; i <= hi; i++ {
		if v := min + int64(i)*step; v <= max {
			h.labels = append(h.labels, lhistLabel(v, step))
		}
		h.counts = append(h.counts, counts[i])
	}
	return h
}

func lhistLabel(n, step int64) label {
	const kilo, mega = 1024, 1024 * 1024
	if step%kilo != 0 {
		return plainLabel(n)
	}
	text := strconv.FormatInt(n, 10)
	switch {
	case n == 0:
	case n%mega == 0:
		text = strconv.FormatInt(n/mega, 10) + "M"
	case n%kilo == 0:
		text = strconv.FormatInt(n/kilo, 10) + "K"
	}
	return label{num: n, text: text}
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
			dst = appendJSONInt(dst, uint64(h.lower.num), true)
			dst = append(dst, ", "...)
		} else if i > 0 {
			dst = append(dst, `"min": `...)
			dst = appendJSONInt(dst, uint64(h.labels[i-1].num), true)
			dst = append(dst, ", "...)
		}
		if i < len(h.labels) {
			dst = append(dst, `"max": `...)
			dst = appendJSONInt(dst, uint64(h.labels[i].num-1), true)
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
