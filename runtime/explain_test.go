package runtime

import (
	"sonde/plan"

	"fmt"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"sonde/lang/ast"
)

// Load failures the verifier gives no log for are worded for the user.
func TestExplainLoadError(t *testing.T) {
	loop := ast.Span{Start: ast.Pos{Line: 1, Col: 9}, End: ast.Pos{Line: 1, Col: 20}}
	spec := &plan.Spec{Programs: []*plan.Program{
		{Probe: plan.Probe{Name: "tracepoint:a:b"}},
		{Probe: plan.Probe{Name: "BEGIN"}, Loops: []ast.Span{loop}},
	}}
	for _, c := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("program prog0: load program: %w", unix.EFAULT), "probe tracepoint:a:b: the kernel's verifier failed with an internal error"},
		{fmt.Errorf("program prog1: load program: %w", unix.EFAULT), "could not prove that this loop ends"},
		{fmt.Errorf("program prog1: load program: %w", unix.E2BIG), "could not prove that this loop ends"},
		{fmt.Errorf("program prog0: load program: %w", unix.EINVAL), "program prog0: load program: invalid argument"},
	} {
		got := explainLoadError(c.err, spec, "test.sd").Error()
		if !strings.Contains(got, c.want) {
			t.Errorf("%v: got %q, want it to contain %q", c.err, got, c.want)
		}
	}
}
