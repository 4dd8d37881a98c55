package stdlib

import (
	"sonde/plan"

	"strings"

	"github.com/cilium/ebpf/asm"

	"sonde/lang/ast"
	"sonde/types"
)

// Run-time checks.

func init() {
	addFuncs(
		&Func{Name: "assert", Min: 2, Max: 2,
			Doc:     `assert(cond, "message"): when cond is false, report the message as an error and exit with code 1`,
			Example: `tracepoint:syscalls:sys_exit_read { assert(args.ret >= -4095, "read returned a strange value"); }`,
			Type:    typeAssert, Gen: genAssert},
		&Func{Name: "is_err", Min: 1, Max: 1,
			Doc:     "is_err(ptr): whether a kernel pointer encodes an error (IS_ERR)",
			Example: `tracepoint:syscalls:sys_enter_openat { @[is_err(args.filename)] = count(); }`,
			Type: func(c Checker, call *ast.Call) *types.Type {
				if c.IntArg(call, 0) == nil {
					return nil
				}
				return types.BoolT
			},
			Gen: genIsErr},
	)
}

func typeAssert(c Checker, call *ast.Call) *types.Type {
	if t := c.Expr(call.Args[0]); t != nil && !t.IsScalar() {
		c.Errorf(call.Args[0], "assert() needs a condition, not %s", t)
	}
	if _, ok := call.Args[1].(*ast.StringLit); !ok {
		c.Errorf(call.Args[1], "assert() takes a literal message")
		return nil
	}
	if c.InLoop() {
		c.Errorf(call, "assert() exits, which is not allowed inside a loop")
	}
	return types.VoidT
}

// genAssert is `if (!cond) { errorf("%s", msg); exit(1); }`, as bpftrace's
// assert macro.
func genAssert(g Gen, call *ast.Call) Value {
	cond := g.Expr(call.Args[0])
	ok := g.NewLabel("assertok")
	g.Emit(asm.JNE.Imm(g.Reg(cond), 0, ok))
	g.Free(cond)
	msg := call.Args[1].(*ast.StringLit).Value
	g.SendEvent(&plan.Action{Kind: plan.ActErrorf, Format: strings.ReplaceAll(msg, "%", "%%"), Pos: call.Span().Start, End: call.Span().End, Source: SourceText(call)}, nil)
	exit := &plan.Action{Kind: plan.ActExit, Source: SourceText(call), Args: types.TupleOf(types.Int64)}
	id := g.AddAction(exit)
	rec := g.Alloc(16)
	g.StoreImm(rec, int64(id))
	g.StoreImm(rec.Plus(8), 1)
	g.Output(rec, 16)
	g.Emit(asm.Ja.Label(g.ExitLabel()))
	g.Bind(ok)
	g.Emit(asm.Mov.Imm(asm.R0, 0)) // a label needs an instruction
	return void
}

// maxErrno is the kernel's MAX_ERRNO: IS_ERR(p) is p >= (unsigned long)-4095.
const maxErrno = 4095

func genIsErr(g Gen, call *ast.Call) Value {
	v := g.Expr(call.Args[0])
	res := g.NewValue(types.BoolT)
	r, rv := g.Reg(res), g.Reg(v)
	no := g.NewLabel("noerr")
	g.Emit(asm.Mov.Imm(r, 0), asm.JLT.Imm(rv, -maxErrno, no), asm.Mov.Imm(r, 1))
	g.Bind(no)
	g.Emit(asm.Mov.Reg(r, r))
	g.Free(v)
	return res
}
