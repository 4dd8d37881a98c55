package compiler

import (
	"github.com/cilium/ebpf/asm"

	"sonde/lang/ast"
	"sonde/types"
)

// usym(addr): a user address printed as the symbol containing it in the
// current process. The value is {addr u64, pid u32, pad}.
func typeUsym(ck *checker, call *ast.Call) *types.Type {
	ck.intArg(call, 0)
	return types.USymT
}

func genUsym(g *gen, call *ast.Call) value {
	v := g.expr(call.Args[0])
	l := g.alloc(16)
	b, off := g.base(l, asm.R5)
	g.emit(asm.StoreMem(b, off, g.r(v.reg), asm.DWord))
	g.free(v.reg)
	g.storePid(l.plus(8))
	return value{t: types.USymT, mem: l}
}

// storePid writes the current process id as a u64 at l.
func (g *gen) storePid(l loc) {
	g.emit(asm.FnGetCurrentPidTgid.Call(), asm.RSh.Imm(asm.R0, 32))
	b, off := g.base(l, asm.R5)
	g.emit(asm.StoreMem(b, off, asm.R0, asm.DWord))
}

// uaddr("sym"): the address of a global variable or function of the
// probed binary, as a user pointer typed by the symbol's size. In a
// position-independent file the address moves at load time, so it is
// computed from where the probe point itself was loaded.
func typeUaddr(ck *checker, call *ast.Call) *types.Type {
	lit, ok := call.Args[0].(*ast.StringLit)
	if !ok {
		ck.errorf(call.Args[0], "uaddr() takes a literal symbol name")
		return nil
	}
	p := ck.inst.p
	switch p.Provider {
	case ProviderUprobe, ProviderUretprobe, ProviderUSDT:
	default:
		ck.errorf(call, "uaddr() is only available in uprobe, uretprobe and usdt probes")
		return nil
	}
	us := ck.c.opts.UserSymbols
	if us == nil {
		ck.errorf(call, "user symbols are not available")
		return nil
	}
	a, err := us.Addr(p.Binary, lit.Value, 0)
	if err != nil {
		ck.errorf(lit, "uaddr: %v", err)
		return nil
	}
	if ck.inst.uaddrs == nil {
		ck.inst.uaddrs = map[*ast.Call]UserAddr{}
	}
	ck.inst.uaddrs[call] = a
	var elem *types.Type
	switch a.Size {
	case 1, 2, 4:
		elem = types.IntType(int(a.Size), false)
	default:
		elem = types.Uint64
	}
	return types.PointerTo(elem, true)
}

func genUaddr(g *gen, call *ast.Call) value {
	a := g.inst.uaddrs[call]
	t := g.typeOf(call)
	if !a.PIE {
		return value{t: t, reg: g.imm(int64(a.Addr))}
	}
	// bpf_get_func_ip gives the probe point's load address (the
	// function's for a uretprobe).
	g.emit(asm.LoadMem(asm.R1, asm.RFP, ctxSlot, asm.DWord), asm.FnGetFuncIp.Call())
	v := g.newReg()
	r := g.r(v)
	g.emit(asm.Mov.Reg(r, asm.R0))
	delta := int64(a.Addr) - int64(g.inst.p.Addr)
	if delta == int64(int32(delta)) {
		g.emit(asm.Add.Imm(r, int32(delta)))
	} else {
		g.emit(asm.LoadImm(asm.R1, delta, asm.DWord), asm.Add.Reg(r, asm.R1))
	}
	return value{t: t, reg: v}
}
