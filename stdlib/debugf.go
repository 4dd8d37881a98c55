package stdlib

import (
	"strings"

	"github.com/cilium/ebpf/asm"

	"sonde/format"
	"sonde/lang/ast"
	"sonde/types"
)

// debugf writes to the kernel's trace buffer (tracefs trace_pipe) with
// bpf_trace_printk, not to sonde's output: a debugging aid that works even
// where the ring buffer does not. The kernel formats, so only what its
// printk takes goes: at most three arguments, d i u x X c s p conversions.
func init() {
	addFuncs(&Func{Name: "debugf", Min: 1, Max: 1 + maxPrintkArgs,
		Doc:     "debugf(fmt, args...): print to the kernel trace buffer (/sys/kernel/tracing/trace_pipe) with bpf_trace_printk; at most 3 arguments",
		Example: `tracepoint:syscalls:sys_enter_openat { debugf("open by %d", pid); }`,
		Type:    typeDebugf, Gen: genDebugf})
}

const maxPrintkArgs = 3

func typeDebugf(c Checker, call *ast.Call) *types.Type {
	if formatted(c, call) == nil {
		return nil
	}
	f := format.Parse(call.Args[0].(*ast.StringLit).Value)
	for _, s := range f.Specs {
		if !strings.Contains("diuxXcsp", s.Verb) || s.Length == "h" || s.Length == "hh" || s.Length == "j" || s.Length == "z" {
			c.Errorf(call.Args[0], "debugf() cannot format %%%s%s: the kernel's printk takes d, i, u, x, X, c, s and p (with l or ll)", s.Length, s.Verb)
			return nil
		}
	}
	return types.VoidT
}

func genDebugf(g Gen, call *ast.Call) Value {
	lit := call.Args[0].(*ast.StringLit)
	fmtT := g.TypeOf(call.Args[0])
	fv := g.StringLit(lit.Value, fmtT)
	// Each argument as the u64 printk reads: an integer, or a string's
	// address on the stack.
	args := g.Alloc(8 * maxPrintkArgs)
	var keep []Value
	for i, a := range call.Args[1:] {
		v := g.Expr(a)
		if g.TypeOf(a).Kind == types.String {
			g.Addr(asm.R0, g.Mem(v))
			keep = append(keep, v) // the string must live until the call
		} else {
			g.Emit(asm.Mov.Reg(asm.R0, g.Reg(v)))
			g.Free(v)
		}
		b, off := g.Base(args.Plus(8*i), asm.R1)
		g.Emit(asm.StoreMem(b, off, asm.R0, asm.DWord))
	}
	for i := range call.Args[1:] {
		b, off := g.Base(args.Plus(8*i), asm.R1)
		g.Emit(asm.LoadMem(asm.R3+asm.Register(i), b, off, asm.DWord))
	}
	g.Addr(asm.R1, g.Mem(fv))
	g.Emit(asm.Mov.Imm(asm.R2, int32(len(lit.Value)+1)), asm.FnTracePrintk.Call())
	g.Free(fv)
	for _, v := range keep {
		g.Free(v)
	}
	return void
}
