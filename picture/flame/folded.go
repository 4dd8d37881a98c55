package flame

import (
	"bufio"
	"io"
	"strconv"
)

// WriteFolded writes the stacks as FlameGraph folded lines, one per
// distinct stack, "root;...;leaf COUNT", in the order of their frames'
// names. Stacks whose frames have the same names are merged; stacks with a
// zero count are left out. flamegraph.pl, inferno and speedscope read the
// result as it is.
func WriteFolded(w io.Writer, stacks []Stack) error {
	t := buildTree(stacks, true)
	bw := bufio.NewWriterSize(w, 64<<10)
	f := folder{t: t, w: bw}
	for _, c := range t.nodes[0].children {
		f.walk(c)
	}
	if f.err != nil {
		return f.err
	}
	return bw.Flush()
}

// folder walks the tree depth first, keeping the path so far in line.
type folder struct {
	t    *tree
	w    *bufio.Writer
	line []byte
	out  []byte
	err  error
}

func (f *folder) walk(n int32) {
	nd := &f.t.nodes[n]
	mark := len(f.line)
	if mark > 0 {
		f.line = append(f.line, ';')
	}
	f.line = append(f.line, f.t.names[nd.name]...)
	if nd.self > 0 {
		f.out = append(append(f.out[:0], f.line...), ' ')
		f.out = strconv.AppendUint(f.out, nd.self, 10)
		f.out = append(f.out, '\n')
		if _, err := f.w.Write(f.out); err != nil && f.err == nil {
			f.err = err
		}
	}
	for _, c := range nd.children {
		f.walk(c)
	}
	f.line = f.line[:mark]
}
