package stdlib

import (
	"sonde/lang/ast"
	"sonde/types"
)

// Stacks: kstack and ustack are ids into a BPF stack-trace map (a user
// stack also carries its pid), printed one frame a line by the runtime.

func init() {
	addFuncs(
		&Func{Name: "kstack", Bare: true, Min: 0, Max: 2,
			Example: `profile:hz:99 { @[kstack] = count(); @perf[kstack(perf, 3)] = count(); }`,
			Doc:     "kstack, kstack(mode), kstack(limit), kstack(mode, limit): the kernel stack, printed one frame a line; mode is bpftrace, perf or raw",
			Type: func(c Checker, call *ast.Call) *types.Type {
				return c.StackType(call, false, call.Args)
			},
			Gen: func(g Gen, call *ast.Call) Value { return g.Stack(g.TypeOf(call)) }},
		&Func{Name: "ustack", Bare: true, Min: 0, Max: 2,
			Example: `profile:hz:99 { @[ustack] = count(); @perf[ustack(perf, 3)] = count(); }`,
			Doc:     "ustack, ustack(mode), ustack(limit), ustack(mode, limit): the user stack of the current thread (frame pointers), symbolized in its process; mode is bpftrace, perf or raw",
			Type: func(c Checker, call *ast.Call) *types.Type {
				return c.StackType(call, true, call.Args)
			},
			Gen: func(g Gen, call *ast.Call) Value { return g.Stack(g.TypeOf(call)) }},
	)
}
