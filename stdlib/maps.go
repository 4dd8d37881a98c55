package stdlib

import (
	"sonde/plan"

	"github.com/cilium/ebpf/asm"

	"sonde/lang/ast"
	"sonde/types"
)

// Functions on whole maps and their entries.

func init() {
	addFuncs(
		&Func{Name: "clear", Example: `BEGIN { @[1] = 1; clear(@); }`, Doc: "clear(@m): remove every entry of a map", Min: 1, Max: 1, Type: typeMapArg, Gen: mapAction(plan.ActClear)},
		&Func{Name: "zero", Example: `BEGIN { @[1] = count(); zero(@); }`, Doc: "zero(@m): set every value of a map to zero", Min: 1, Max: 1, Type: typeMapArg, Gen: mapAction(plan.ActZero)},
		&Func{Name: "delete", Example: `BEGIN { @[1] = 1; delete(@[1]); delete(@, 1); }`, Doc: "delete(@m[key]) or delete(@m, key): remove an entry; true if it existed", Min: 1, Max: 2, Type: typeDelete, Gen: genDelete},
		&Func{Name: "len", Example: `BEGIN { @[1] = 1; @[2] = 1; printf("%d %d\n", len(@), len(kstack)); }`, Doc: "len(@m): the number of entries of a map; len(kstack), len(ustack): the depth of the current stack", Min: 1, Max: 1, Type: typeLen, Gen: genLen},
		&Func{Name: "has_key", Example: `BEGIN { @[1] = 1; if (has_key(@, 1)) { printf("yes\n"); } }`, Doc: "has_key(@m, key): whether the map holds key", Min: 2, Max: 2, Type: typeHasKey, Gen: genHasKey},
	)
}

func typeMapArg(c Checker, call *ast.Call) *types.Type {
	m, ok := call.Args[0].(*ast.MapRef)
	if !ok || m.Keys != nil {
		c.Errorf(call.Args[0], "%s() takes a map, as in %s(@name)", call.Name, call.Name)
		return nil
	}
	c.Map(m)
	return types.VoidT
}

func typeLen(c Checker, call *ast.Call) *types.Type {
	m, ok := call.Args[0].(*ast.MapRef)
	if !ok {
		// len(kstack), len(ustack): typed but not evaluated (genLen takes
		// the stack itself, without storing it).
		t := c.Expr(call.Args[0])
		if t != nil && (t.Kind == types.KStack || t.Kind == types.UStack) {
			return types.Int64
		}
		if t != nil {
			c.Errorf(call.Args[0], "len() takes a map or a stack, not %s", t)
		}
		return nil
	}
	if m.Keys != nil {
		c.Errorf(call.Args[0], "len() takes a map, as in len(@name)")
		return nil
	}
	if _, _, ok := c.Map(m); !ok {
		return nil
	}
	return types.Int64
}

func typeDelete(c Checker, call *ast.Call) *types.Type {
	m, ok := call.Args[0].(*ast.MapRef)
	if !ok {
		c.Errorf(call.Args[0], "delete() takes a map, as in delete(@m, key)")
		return nil
	}
	key, keyless, ok := c.Map(m)
	if !ok {
		return nil
	}
	if len(call.Args) == 2 {
		if m.Keys != nil {
			c.Errorf(call, "delete() takes either @m[key] or @m, key")
			return nil
		}
		if keyless {
			c.Errorf(call.Args[1], "map @%s has no keys; use delete(@%s)", m.Name, m.Name)
			return nil
		}
		checkKeyArg(c, m, key, call.Args[1])
		return types.BoolT
	}
	c.MapKeys(m)
	return types.BoolT
}

func typeHasKey(c Checker, call *ast.Call) *types.Type {
	m, ok := call.Args[0].(*ast.MapRef)
	if !ok || m.Keys != nil {
		c.Errorf(call.Args[0], "has_key() takes a map, as in has_key(@m, key)")
		return nil
	}
	key, keyless, ok := c.Map(m)
	if !ok {
		return nil
	}
	if keyless {
		c.Errorf(m, "has_key() needs a map with keys; @%s has none", m.Name)
	}
	checkKeyArg(c, m, key, call.Args[1])
	return types.BoolT
}

// checkKeyArg types arg, a key of m given apart from it (delete(@m, key),
// has_key(@m, key)): it must fit m's key type when that is known.
func checkKeyArg(c Checker, m *ast.MapRef, key *types.Type, arg ast.Expr) {
	t := c.Expr(arg)
	if t != nil && key != nil && !c.KeyFits(key, t) {
		c.Errorf(arg, "map @%s has keys of type %s, not %s", m.Name, key, t)
	}
}

func mapAction(kind plan.ActionKind) func(Gen, *ast.Call) Value {
	return func(g Gen, call *ast.Call) Value {
		m := call.Args[0].(*ast.MapRef)
		g.SendEvent(&plan.Action{Kind: kind, Map: "@" + m.Name, Source: SourceText(call)}, nil)
		return void
	}
}

// keyArg builds the key of delete(@m, key) / has_key(@m, key) in memory,
// laid out as the map stores it.
func keyArg(g Gen, m *ast.MapRef, key ast.Expr) Slot {
	kt := g.MapKeyType(m)
	s := g.Alloc(kt.Size)
	g.Zero(s, kt.Size)
	v := g.Expr(key)
	g.Store(s, kt, v)
	g.Free(v)
	return s
}

// boolFromR0 turns "R0 == want" into a bool value.
func boolFromR0(g Gen, want int32, hint string) Value {
	v := g.NewValue(types.BoolT)
	r := g.Reg(v)
	g.Emit(asm.Mov.Imm(r, 1))
	yes := g.NewLabel(hint)
	g.Emit(asm.JEq.Imm(asm.R0, want, yes), asm.Mov.Imm(r, 0))
	g.Bind(yes)
	// A label needs an instruction to bind to.
	g.Emit(asm.Mov.Reg(r, r))
	return v
}

func genDelete(g Gen, call *ast.Call) Value {
	m := call.Args[0].(*ast.MapRef)
	var key Slot
	if len(call.Args) == 2 {
		key = keyArg(g, m, call.Args[1])
	} else {
		key = g.MapKey(m)
	}
	g.Delete(m, key)
	// delete returns true when the key existed (R0 == 0).
	return boolFromR0(g, 0, "deleted")
}

func genHasKey(g Gen, call *ast.Call) Value {
	m := call.Args[0].(*ast.MapRef)
	key := keyArg(g, m, call.Args[1])
	g.Lookup(m, key)
	v := g.NewValue(types.BoolT)
	r := g.Reg(v)
	g.Emit(asm.Mov.Imm(r, 0))
	no := g.NewLabel("nokey")
	g.Emit(asm.JEq.Imm(asm.R0, 0, no), asm.Mov.Imm(r, 1))
	g.Bind(no)
	g.Emit(asm.Mov.Reg(r, r))
	return v
}

func genLen(g Gen, call *ast.Call) Value {
	if m, ok := call.Args[0].(*ast.MapRef); ok {
		return g.MapLen(m)
	}
	// The depth of the current stack: bpf_get_stack returns the bytes it
	// wrote, 8 a frame, up to the stack type's limit.
	st := g.TypeOf(call.Args[0])
	size := 8 * st.StackLimit
	buf := g.Alloc(size)
	var flags int32
	if st.Kind == types.UStack {
		flags = 1 << 8 // BPF_F_USER_STACK
	}
	g.LoadCtx(asm.R1)
	g.Addr(asm.R2, buf)
	g.Emit(asm.Mov.Imm(asm.R3, int32(size)), asm.Mov.Imm(asm.R4, flags), asm.FnGetStack.Call())
	res := g.NewValue(types.Int64)
	r := g.Reg(res)
	none := g.NewLabel("nostack")
	g.Emit(asm.Mov.Imm(r, 0), asm.JSLE.Imm(asm.R0, 0, none), asm.Mov.Reg(r, asm.R0), asm.RSh.Imm(r, 3))
	g.Bind(none)
	g.Emit(asm.Mov.Reg(r, r))
	return res
}
