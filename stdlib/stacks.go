package stdlib

import (
	"sonde/lang/ast"
	"sonde/types"
)

// kstack: the kernel stack. The type rule (mode and limit arguments) and
// the code (compiler/stacks.go) are shared with ustack through
// Checker.StackType and Gen.Stack.

func init() {
	addFuncs(
		&Func{Name: "kstack", Min: 0, Max: 2, Bare: true,
			Example: `profile:hz:99 { @[kstack] = count(); @p[kstack(perf, 5)] = count(); }`,
			Doc:     "kstack, kstack(mode), kstack(limit), kstack(mode, limit): the kernel stack, printed one frame a line; mode is bpftrace, perf or raw; up to limit frames (default 127)",
			Type:    func(c Checker, call *ast.Call) *types.Type { return c.StackType(call, false, call.Args) },
			Gen:     func(g Gen, call *ast.Call) Value { return g.Stack(g.TypeOf(call)) }},
	)
}
