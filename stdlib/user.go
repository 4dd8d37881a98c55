package stdlib

import (
	"errors"
	"sonde/provider"

	"github.com/cilium/ebpf/asm"

	"sonde/lang/ast"
	"sonde/types"
)

// User-space symbols: usym and uaddr.

func init() {
	addFuncs(
		&Func{Name: "usym", Example: `uprobe:/bin/sh:main { printf("%s\n", usym(uaddr("main"))); }`,
			Doc: "usym(addr): the user symbol containing addr in the current process, printed by name", Min: 1, Max: 1,
			Type: func(c Checker, call *ast.Call) *types.Type {
				c.IntArg(call, 0)
				return types.USymT
			},
			Gen: genUsym},
		&Func{Name: "uaddr", Example: `uprobe:/bin/sh:main { @ = uaddr("main"); }`,
			Doc: `uaddr("sym"): the address of a global variable or function of the probed binary, as a pointer typed by its size (uprobe, uretprobe, usdt)`,
			Min: 1, Max: 1, Type: typeUaddr, Gen: genUaddr},
	)
}

// genUsym stores {addr u64, pid u64}: the symbol is looked up in the
// mappings of the process the address came from.
func genUsym(g Gen, call *ast.Call) Value {
	v := g.Expr(call.Args[0])
	s := g.Alloc(16)
	b, off := g.Base(s, asm.R5)
	g.Emit(asm.StoreMem(b, off, g.Reg(v), asm.DWord))
	g.Free(v)
	g.Emit(asm.FnGetCurrentPidTgid.Call(), asm.RSh.Imm(asm.R0, 32))
	b, off = g.Base(s, asm.R5)
	g.Emit(asm.StoreMem(b, off+8, asm.R0, asm.DWord))
	return g.MemValue(types.USymT, s)
}

// uaddrData is what typeUaddr resolved for genUaddr.
type uaddrData struct {
	addr uint64
	pie  bool
}

func typeUaddr(c Checker, call *ast.Call) *types.Type {
	lit, ok := call.Args[0].(*ast.StringLit)
	if !ok {
		c.Errorf(call.Args[0], "uaddr() takes a literal symbol name")
		return nil
	}
	if !probeOf(c).UserSpace {
		c.Errorf(call, "uaddr() is only available in %s probes", provider.Describe(func(d *provider.Provider) bool { return d.UserSpace }))
		return nil
	}
	addr, size, pie, err := c.UserSymbol(lit.Value)
	if err != nil {
		hint := ""
		var h interface{ Hinted() string }
		if errors.As(err, &h) {
			hint = h.Hinted()
		}
		c.ErrorHint(lit, hint, "uaddr: %v", err)
		return nil
	}
	c.SetData(call, uaddrData{addr, pie})
	elem := types.Uint64
	if size == 1 || size == 2 || size == 4 {
		elem = types.IntType(int(size), false)
	}
	return types.PointerTo(elem, true)
}

// genUaddr: in a position-independent file the symbol moves with the
// file, so its address is the probe point's load address (from
// bpf_get_func_ip; the function's, for a uretprobe) plus their distance.
func genUaddr(g Gen, call *ast.Call) Value {
	d := g.Data(call).(uaddrData)
	t := g.TypeOf(call)
	if !d.pie {
		return g.Imm(t, int64(d.addr))
	}
	g.LoadCtx(asm.R1)
	g.Emit(asm.FnGetFuncIp.Call())
	v := g.NewValue(t)
	r := g.Reg(v)
	g.Emit(asm.Mov.Reg(r, asm.R0))
	if delta := int64(d.addr); delta == int64(int32(delta)) {
		g.Emit(asm.Add.Imm(r, int32(delta)))
	} else {
		g.Emit(asm.LoadImm(asm.R1, delta, asm.DWord), asm.Add.Reg(r, asm.R1))
	}
	return v
}
