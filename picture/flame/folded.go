package flame

import (
	"bufio"
	"io"
	"slices"
	"strconv"
	"strings"
)

// WriteFolded writes the stacks as FlameGraph folded lines, one per
// distinct stack, "root;...;leaf COUNT", sorted as stackcollapse sorts
// them. Stacks whose frames have the same names are merged; stacks with a
// zero count are left out. flamegraph.pl, inferno and speedscope read the
// result as it is.
func WriteFolded(w io.Writer, stacks []Stack) error {
	counts := make(map[string]uint64, len(stacks))
	var sb strings.Builder
	for _, s := range stacks {
		if s.Count == 0 || len(s.Frames) == 0 {
			continue
		}
		sb.Reset()
		for i, f := range s.Frames {
			if i > 0 {
				sb.WriteByte(';')
			}
			sb.WriteString(cleanName(f.Name))
		}
		counts[sb.String()] += s.Count
	}
	lines := make([]string, 0, len(counts))
	for l := range counts {
		lines = append(lines, l)
	}
	slices.Sort(lines)
	bw := bufio.NewWriterSize(w, 64<<10)
	var buf []byte
	for _, l := range lines {
		buf = append(buf[:0], l...)
		buf = append(buf, ' ')
		buf = strconv.AppendUint(buf, counts[l], 10)
		buf = append(buf, '\n')
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}
