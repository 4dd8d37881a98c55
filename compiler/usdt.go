package compiler

import (
	"sonde/plan"

	"fmt"
	"strings"

	"github.com/cilium/ebpf/asm"

	"sonde/lang/ast"
	"sonde/provider"
	"sonde/types"
)

// expandUSDT resolves usdt:BINARY:[PROVIDER:]PROBE to one probe per site.
func (c *compiler) expandUSDT(d *provider.Provider, ap *ast.AttachPoint, parts []string) ([]plan.Probe, []*USDTTarget, error) {
	if err := wantParts(d, parts, 2, 3); err != nil {
		return nil, nil, err
	}
	if c.opts.UserSymbols == nil {
		return nil, nil, fmt.Errorf("usdt probes are not available")
	}
	bin := c.userBinary(parts[0])
	spec := strings.Join(parts[1:], ":")
	targets, err := c.opts.UserSymbols.USDT(bin, spec, c.opts.Pid)
	if err != nil {
		return nil, nil, err
	}
	var probes []plan.Probe
	var sites []*USDTTarget
	for i := range targets {
		t := &targets[i]
		probes = append(probes, plan.Probe{
			Provider: d.Name, Name: d.Name + ":" + shownBinary(bin, t.Binary) + ":" + t.Provider + ":" + t.Name,
			Binary: t.Binary, Symbol: t.Provider + ":" + t.Name, Event: t.Name, Group: t.Provider,
			Offset: t.FileOffset, RefCtrOffset: t.SemaphoreOffset, Pid: c.opts.Pid, Addr: t.PC,
		})
		sites = append(sites, t)
	}
	return probes, sites, nil
}

// usdtArg types argN of a USDT probe: a u64 as bpftrace has it, signed
// arguments sign-extended.
func (ck *checker) usdtArg(id *ast.Ident, n int) *types.Type {
	site := ck.inst.usdt
	if site == nil {
		ck.errorf(id, "%s: the usdt probe has no resolved site", id.Name)
		return nil
	}
	if site.ArgErr != nil {
		ck.errorf(id, "%s:%s: cannot read arguments: %v", site.Provider, site.Name, site.ArgErr)
		return nil
	}
	if n >= len(site.Args) {
		ck.errorf(id, "%s:%s has %d argument%s: %s does not exist", site.Provider, site.Name,
			len(site.Args), plural(len(site.Args)), id.Name)
		return nil
	}
	return types.Uint64
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// usdtArg loads argN as the note's argument spec says: a constant, a
// register of the probe's pt_regs, or user memory addressed by registers.
func (g *gen) usdtArg(n int, t *types.Type) value {
	a := g.inst.usdt.Args[n]
	if a.Kind == USDTConst {
		return value{t: t, reg: g.imm(a.Const)}
	}
	v := g.newReg()
	r := g.r(v)
	g.emit(asm.LoadMem(asm.R1, asm.RFP, ctxSlot, asm.DWord))
	if a.Reg >= 0 {
		g.emit(asm.LoadMem(r, asm.R1, int16(a.Reg), asm.DWord))
	} else {
		g.emit(asm.Mov.Imm(r, 0)) // an absolute address
	}
	if a.Kind == USDTReg {
		g.extend(r, a.Size, a.Signed)
		return value{t: t, reg: v}
	}
	if a.Index >= 0 {
		g.emit(asm.LoadMem(asm.R2, asm.R1, int16(a.Index), asm.DWord))
		if a.Scale > 1 {
			g.emit(asm.Mul.Imm(asm.R2, int32(a.Scale)))
		}
		g.emit(asm.Add.Reg(r, asm.R2))
	}
	if a.Offset != 0 {
		if a.Offset == int64(int32(a.Offset)) {
			g.emit(asm.Add.Imm(r, int32(a.Offset)))
		} else {
			g.emit(asm.LoadImm(asm.R2, a.Offset, asm.DWord), asm.Add.Reg(r, asm.R2))
		}
	}
	l := g.alloc(8)
	b, off := g.base(l, asm.R5)
	g.emit(storeImm(b, off, 0, asm.DWord))
	g.addr(asm.R1, l)
	g.emit(asm.Mov.Imm(asm.R2, int32(a.Size)), asm.Mov.Reg(asm.R3, r), asm.FnProbeReadUser.Call())
	r = g.r(v)
	b, off = g.base(l, asm.R5)
	g.emit(asm.LoadMem(r, b, off, sizeOf(a.Size)))
	if a.Signed && a.Size < 8 {
		g.signExtend(r, a.Size)
	}
	return value{t: t, reg: v}
}

// extend narrows a 64-bit register value to size bytes, sign- or
// zero-extending it back to 64 bits.
func (g *gen) extend(r asm.Register, size int, signed bool) {
	if size >= 8 {
		return
	}
	if signed {
		g.signExtend(r, size)
		return
	}
	if size == 4 {
		g.emit(asm.Mov.Reg32(r, r))
		return
	}
	g.emit(asm.And.Imm(r, int32(1)<<(size*8)-1))
}
