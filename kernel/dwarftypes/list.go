package dwarftypes

import (
	"fmt"
	"io"
)

// ListArgs writes a function's parameters for -lv, one "    TYPE NAME" a
// line as bpftrace lists them. A file without debug info lists nothing.
func (f *File) ListArgs(w io.Writer, name string, pc uint64) error {
	fn, err := f.Func(name, pc)
	if err != nil {
		return err
	}
	for _, p := range fn.Params {
		if _, err := fmt.Fprintf(w, "    %s %s\n", p.CType, p.Name); err != nil {
			return err
		}
	}
	return nil
}
