package stdlib

import (
	"sonde/lang/ast"
	"sonde/types"
)

// Stacks: kstack and ustack. The type rule (mode and limit arguments) and
// the code (compiler/stacks.go) are shared through Checker.StackType and
// Gen.Stack; the runtime prints them one frame a line (a user stack also
// carries its pid, for symbolizing in its process).

func init() {
	addFuncs(
		&Func{Name: "kstack", Min: 0, Max: 2, Bare: true,
			Example: `profile:hz:99 { @[kstack] = count(); @p[kstack(perf, 5)] = count(); }`,
			Doc:     "kstack, kstack(mode), kstack(limit), kstack(mode, limit): the kernel stack, printed one frame a line; mode is bpftrace, perf or raw; up to limit frames (default 127)",
			Type:    func(c Checker, call *ast.Call) *types.Type { return c.StackType(call, false, call.Args) },
			Gen:     func(g Gen, call *ast.Call) Value { return g.Stack(g.TypeOf(call)) }},
		&Func{Name: "ustack", Min: 0, Max: 2, Bare: true,
			Example: `profile:hz:99 { @[ustack] = count(); @perf[ustack(perf, 3)] = count(); }`,
			Doc:     "ustack, ustack(mode), ustack(limit), ustack(mode, limit): the user stack of the current thread (frame pointers), symbolized in its process; mode is bpftrace, perf or raw",
			Type:    func(c Checker, call *ast.Call) *types.Type { return c.StackType(call, true, call.Args) },
			Gen:     func(g Gen, call *ast.Call) Value { return g.Stack(g.TypeOf(call)) }},
	)
}
