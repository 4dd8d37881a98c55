package compiler

import (
	"github.com/cilium/ebpf/asm"

	"sonde/lang/ast"
)

// A scalar ternary or a materialized condition keeps its result in a
// locked register across its branches, so both branches leave it in the
// same place. Nested deeply enough (a ternary inside a condition inside a
// ternary...) the locks use up R6-R9 and nothing is left for the operands.
// Past two locked registers the result goes through a stack slot instead.

// lockedRegs is the number of vregs that may not be spilled now.
func (g *gen) lockedRegs() int {
	n := 0
	for _, l := range g.locked {
		if l {
			n++
		}
	}
	return n
}

// condInMemory reports whether a branching expression should keep its
// result on the stack: with two registers locked, an operation needing two
// more has none to spare.
func (g *gen) condInMemory() bool { return g.lockedRegs() >= 2 }

// storeSlot writes the 64-bit value of r to the slot l.
func (g *gen) storeSlot(l loc, r asm.Register) {
	b, off := g.base(l, asm.R5)
	g.emit(asm.StoreMem(b, off, r, asm.DWord))
}

// loadSlot reads the slot l into a new vreg.
func (g *gen) loadSlot(l loc) *vreg {
	v := g.newReg()
	r := g.r(v)
	b, off := g.base(l, asm.R5)
	g.emit(asm.LoadMem(r, b, off, asm.DWord))
	return v
}

// boolFromCondMem is boolFromCond with the result on the stack.
func (g *gen) boolFromCondMem(e ast.Expr) *vreg {
	l := g.alloc(8)
	b, off := g.base(l, asm.R5)
	g.emit(storeImm(b, off, 0, asm.DWord))
	st := g.saveRegs()
	f := g.newLabel("false")
	g.condJump(e, f)
	g.restoreRegs(st)
	b, off = g.base(l, asm.R5)
	g.emit(storeImm(b, off, 1, asm.DWord))
	g.bind(f)
	g.restoreRegs(st)
	return g.loadSlot(l)
}

// ternaryMem is the scalar ternary with the result on the stack.
func (g *gen) ternaryMem(e *ast.Ternary) *vreg {
	l := g.alloc(8)
	g.scalarTernary(e,
		func(r asm.Register) { g.storeSlot(l, r) },
		func() asm.Register {
			b, off := g.base(l, asm.R5)
			g.emit(asm.LoadMem(asm.R0, b, off, asm.DWord))
			return asm.R0
		})
	return g.loadSlot(l)
}
