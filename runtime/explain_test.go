package runtime

import (
	"sonde/plan"

	"fmt"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
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

// A verifier rejection is traced to the statement of the instruction the
// log stops at, by the source the compiler attached to the instructions.
func TestExplainVerifierRejection(t *testing.T) {
	at := func(line, col int, text string) plan.Source {
		return plan.Source{Pos: ast.Pos{Line: line, Col: col}, Text: text}
	}
	insns := asm.Instructions{
		asm.StoreMem(asm.RFP, -8, asm.R1, asm.DWord).WithSource(at(1, 1, "BEGIN")),
		asm.LoadImm(asm.R1, 1, asm.DWord).WithSource(at(1, 9, "$x = 1;")),
		asm.Mov.Imm(asm.R2, 0).WithSource(at(1, 17, "@y = *$x;")),
		asm.LoadMem(asm.R0, asm.R1, 0, asm.DWord),
		asm.Return(),
	}
	spec := &plan.Spec{Programs: []*plan.Program{{Probe: plan.Probe{Name: "BEGIN"}, Spec: &ebpf.ProgramSpec{Instructions: insns}}}}
	for _, c := range []struct {
		log  []string
		want string
	}{
		// LoadImm DWord takes two slots: the load is raw instruction 4.
		{[]string{"0: R1=ctx() R10=fp0", "; BEGIN @ :0", "0: (7b) *(u64 *)(r10 -8) = r1", "; $x = 1; @ :0", "1: (18) r1 = 0x1",
			"; @y = *$x; @ :0", "3: (b7) r2 = 0", "4: (79) r0 = *(u64 *)(r1 +0)", "R1 invalid mem access 'scalar'", "processed 4 insns"},
			"test.sd:1:17: the kernel's verifier rejected the program: R1 invalid mem access 'scalar'"},
		{[]string{"0: (7b) *(u64 *)(r10 -8) = r1", "1: (18) r1 = 0x1", "R1 type=scalar expected=fp"},
			"test.sd:1:9: the kernel's verifier rejected the program: R1 type=scalar expected=fp"},
		{[]string{"unknown opcode"}, "the kernel's verifier rejected the program: unknown opcode"},
	} {
		err := &ebpf.VerifierError{Cause: unix.EACCES, Log: c.log}
		got := explainLoadError(fmt.Errorf("program prog0: load program: %w", err), spec, "test.sd").Error()
		if got != c.want {
			t.Errorf("log %q:\ngot  %q\nwant %q", c.log, got, c.want)
		}
	}
}
