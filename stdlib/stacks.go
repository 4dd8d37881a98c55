package stdlib

import (
	"fmt"

	"sonde/lang/ast"
	"sonde/types"
)

// Stacks: kstack (and ustack, which shares this machinery: StackType with
// user set, Gen.Stack) are ids (a 64-bit hash of the frames) into a stack
// map, one per frame limit; the print mode travels in the type. See
// compiler/stacks.go.

const (
	DefaultStackLimit = 127  // bpftrace's default, also perf_event_max_stack's
	MaxStackLimit     = 1024 // bpftrace's maximum
)

// StackMapName names the stack map holding stacks of up to limit frames.
func StackMapName(limit int) string { return fmt.Sprintf("stack_%d", limit) }

// StackType is the type of a stack value: an 8-byte id for kernel stacks;
// {id, pid} for user stacks, so the runtime symbolizes in the process.
func StackType(user bool, mode types.StackMode, limit int) *types.Type {
	t := &types.Type{Kind: types.KStack, Size: 8, StackMode: mode, StackLimit: limit, StackMap: StackMapName(limit)}
	if user {
		t.Kind, t.Size = types.UStack, 16
	}
	return t
}

// TypeStack types kstack/ustack with the optional arguments bpftrace
// takes: kstack, kstack(mode), kstack(limit), kstack(mode, limit), where
// mode is bpftrace, perf or raw.
func TypeStack(c Checker, call *ast.Call, user bool) *types.Type {
	mode, limit := c.StackMode(), DefaultStackLimit
	for i, a := range call.Args {
		if id, ok := a.(*ast.Ident); ok && i == 0 {
			switch id.Name {
			case "bpftrace":
				mode = types.StackBpftrace
			case "perf":
				mode = types.StackPerf
			case "raw":
				mode = types.StackRaw
			default:
				c.Errorf(a, "unknown stack mode %s; use bpftrace, perf or raw", id.Name)
				return nil
			}
			continue
		}
		v, ok := ast.ConstInt(a)
		if !ok {
			c.Errorf(a, "%s() takes a mode (bpftrace, perf, raw) and a constant frame limit", call.Name)
			return nil
		}
		if v < 1 || v > MaxStackLimit {
			c.Errorf(a, "the frame limit of %s() must be between 1 and %d", call.Name, MaxStackLimit)
			return nil
		}
		limit = int(v)
	}
	return StackType(user, mode, limit)
}

func init() {
	addFuncs(
		&Func{Name: "kstack", Min: 0, Max: 2, Bare: true,
			Example: `profile:hz:99 { @[kstack] = count(); @p[kstack(perf, 5)] = count(); }`,
			Doc:     "kstack, kstack(mode, limit): the kernel stack (modes bpftrace, perf, raw; up to limit frames, default 127)",
			Type:    func(c Checker, call *ast.Call) *types.Type { return TypeStack(c, call, false) },
			Gen:     func(g Gen, call *ast.Call) Value { return g.Stack(g.TypeOf(call)) }},
	)
}
