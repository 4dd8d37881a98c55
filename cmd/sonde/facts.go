package main

import (
	"fmt"
	"strings"

	"github.com/cilium/ebpf"

	"sonde/compiler"
	"sonde/kernel/tracefs"
	"sonde/types"
)

// kernelFacts answers the compiler's questions from tracefs. BTF is wired
// separately and loaded only when a script needs kernel types.
type kernelFacts struct{}

func (kernelFacts) TracepointFields(group, event string) ([]compiler.TracepointField, error) {
	ev, err := tracefs.Format(group, event)
	if err != nil {
		return nil, fmt.Errorf("tracepoint %s:%s: %w", group, event, err)
	}
	var out []compiler.TracepointField
	for _, f := range ev.Args() {
		t := f.Type
		if t == nil {
			t = types.IntType(f.Size, f.Signed)
		}
		out = append(out, compiler.TracepointField{
			Name: f.Name, Offset: f.Offset, Size: f.Size, Type: t,
			DataLoc: f.DataLoc, CType: f.CType,
		})
	}
	return out, nil
}

func (kernelFacts) Tracepoints(pattern string) ([]string, error) {
	return tracefs.Events(pattern)
}

func (kernelFacts) NumCPUs() int {
	n, err := ebpf.PossibleCPU()
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// isBTFName reports whether a type name needs kernel BTF.
func isBTFName(s string) bool {
	return strings.HasPrefix(s, "struct ") || strings.HasPrefix(s, "union ") || strings.HasPrefix(s, "enum ")
}
