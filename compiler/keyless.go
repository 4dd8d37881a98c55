package compiler

import (
	"sonde/plan"

	"github.com/cilium/ebpf/asm"

	"sonde/lang/ast"
	"sonde/stdlib"
)

// Keyless aggregations other than hist/lhist are per-CPU arrays of one
// element whose value ends with a "set" word (MapInfo.SetAt): every update
// sets it on its CPU, and the runtime prints the map when any CPU's word is
// set. An array element cannot be deleted, so delete(@c) clears every CPU's
// copy instead.

// Delete removes key from m, leaving R0 = 0 when it was there (the map
// delete helper's convention).
func (g *gen) Delete(m *ast.MapRef, key stdlib.Slot) {
	info := g.mapInfo(m)
	if info.SetAt == 0 {
		g.emit(asm.LoadMapPtr(asm.R1, 0).WithReference(info.MapName))
		g.addr(asm.R2, key.(loc))
		g.emit(asm.FnMapDeleteElem.Call())
		return
	}
	g.clearKeyless(info)
}

// clearKeyless zeroes the value and set word of a keyless aggregation on
// every CPU; R0 ends as 0 when some CPU had it set, else -ENOENT.
func (g *gen) clearKeyless(info *plan.MapInfo) {
	const enoent = -2
	key, was := g.alloc(8), g.alloc(8)
	b, off := g.base(key, asm.R5)
	g.emit(storeImm(b, off, 0, asm.DWord))
	b, off = g.base(was, asm.R5)
	g.emit(storeImm(b, off, enoent, asm.DWord))
	for cpu := 0; cpu < g.c.opts.Facts.NumCPUs(); cpu++ {
		next, unset := g.newLabel("delcpu"), g.newLabel("delunset")
		g.emit(asm.LoadMapPtr(asm.R1, 0).WithReference(info.MapName))
		g.addr(asm.R2, key)
		g.emit(asm.Mov.Imm(asm.R3, int32(cpu)), asm.FnMapLookupPercpuElem.Call())
		g.emit(asm.JEq.Imm(asm.R0, 0, next))
		g.emit(asm.LoadMem(asm.R1, asm.R0, int16(info.SetAt), asm.DWord), asm.JEq.Imm(asm.R1, 0, unset))
		b, off := g.base(was, asm.R5)
		g.emit(storeImm(b, off, 0, asm.DWord))
		g.bind(unset)
		for o := 0; o <= info.SetAt; o += 8 {
			g.emit(storeImm(asm.R0, int16(o), 0, asm.DWord))
		}
		g.bind(next)
		g.emit(asm.Mov.Reg(asm.R0, asm.R0))
	}
	b, off = g.base(was, asm.R5)
	g.emit(asm.LoadMem(asm.R0, b, off, asm.DWord))
}
