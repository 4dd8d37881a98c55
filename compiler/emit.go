package compiler

import (
	"fmt"

	"github.com/cilium/ebpf/asm"

	"sonde/lang/ast"
	"sonde/plan"
	"sonde/stdlib"
)

// emitter accumulates instructions with symbolic labels and source comments.
type emitter struct {
	insns   asm.Instructions
	pending string            // label waiting for the next instruction
	alias   map[string]string // label -> label it shares an instruction with
	source  *plan.Source      // source of the next instruction
	nlabel  int
}

func (e *emitter) newLabel(hint string) string {
	e.nlabel++
	return fmt.Sprintf("%s_%d", hint, e.nlabel)
}

// bind attaches label to the next emitted instruction.
func (e *emitter) bind(label string) {
	if e.pending != "" {
		if e.alias == nil {
			e.alias = map[string]string{}
		}
		e.alias[label] = e.pending
		return
	}
	e.pending = label
}

// setSource makes the next instruction carry n's source, so listings and
// verifier errors point back at the script.
func (e *emitter) setSource(n ast.Node) {
	s := sourceOf(n)
	e.source = &s
}

// sourceOf is n's position and text, an instruction's asm source.
func sourceOf(n ast.Node) plan.Source {
	return plan.Source{Pos: n.Span().Start, Text: stdlib.SourceText(n)}
}

func (e *emitter) emit(ins ...asm.Instruction) {
	for _, in := range ins {
		if e.pending != "" {
			in = in.WithSymbol(e.pending)
			e.pending = ""
		}
		if e.source != nil {
			in = in.WithSource(*e.source)
			e.source = nil
		}
		e.insns = append(e.insns, in)
	}
}

// resolve returns the label that label shares an instruction with.
func (e *emitter) resolve(label string) string {
	for {
		to, ok := e.alias[label]
		if !ok {
			return label
		}
		label = to
	}
}

// finish resolves label aliases, drops unreachable instructions (the
// verifier rejects them: code after return or exit(), branches folded away)
// and returns the instructions.
func (e *emitter) finish() asm.Instructions {
	e.resolveAliases()
	return dropUnreachable(e.insns)
}

func dropUnreachable(insns asm.Instructions) asm.Instructions {
	at := map[string]int{}
	for i, in := range insns {
		if sym := in.Symbol(); sym != "" {
			at[sym] = i
		}
	}
	reach := make([]bool, len(insns))
	work := []int{0}
	for len(work) > 0 {
		i := work[len(work)-1]
		work = work[:len(work)-1]
		for i < len(insns) && !reach[i] {
			reach[i] = true
			in := insns[i]
			op := in.OpCode
			if op.Class().IsJump() {
				jop := op.JumpOp()
				if jop == asm.Exit {
					break
				}
				if jop != asm.Call {
					if t, ok := at[in.Reference()]; ok {
						work = append(work, t)
					}
					if jop == asm.Ja {
						break
					}
				}
			}
			i++
		}
	}
	out := insns[:0:0]
	for i, in := range insns {
		if !reach[i] {
			continue
		}
		// A source comment on a dropped instruction moves to the next kept one.
		out = append(out, in)
	}
	return out
}

func (e *emitter) resolveAliases() {
	if len(e.alias) > 0 {
		for i, in := range e.insns {
			ref := in.Reference()
			if ref == "" {
				continue
			}
			for {
				to, ok := e.alias[ref]
				if !ok {
					break
				}
				ref = to
			}
			if ref != in.Reference() {
				e.insns[i] = in.WithReference(ref)
			}
		}
	}
}

// Registers R6-R9 survive helper calls; expression values live there.
var valueRegs = [...]asm.Register{asm.R6, asm.R7, asm.R8, asm.R9}

// vreg is a virtual register holding a 64-bit scalar. It lives in one of
// R6-R9 or, when those are all taken, in a stack slot.
type vreg struct {
	phys  asm.Register // valid when inReg
	inReg bool
	slot  int16 // fp offset of the spill slot, 0 until first spill
	live  bool
}

// regFile tracks which vreg occupies each of R6-R9.
type regFile struct {
	owner [len(valueRegs)]*vreg
	live  []*vreg
	clock int
	age   [len(valueRegs)]int
}

func regIndex(r asm.Register) int { return int(r - asm.R6) }

// newReg returns a fresh vreg already placed in a physical register.
func (g *gen) newReg() *vreg {
	v := &vreg{live: true}
	g.place(v, -1)
	g.rf.live = append(g.rf.live, v)
	return v
}

// place puts v into a free physical register, spilling the oldest occupant
// when none is free. want >= 0 asks for that register index.
func (g *gen) place(v *vreg, want int) {
	idx := want
	if idx < 0 {
		for i, o := range g.rf.owner {
			if o == nil {
				idx = i
				break
			}
		}
	}
	if idx < 0 {
		// Spill the least recently placed register not locked.
		best := -1
		for i, o := range g.rf.owner {
			if g.locked[o] {
				continue
			}
			if best < 0 || g.rf.age[i] < g.rf.age[best] {
				best = i
			}
		}
		if best < 0 {
			panic("compiler: out of registers")
		}
		idx = best
	}
	if o := g.rf.owner[idx]; o != nil && o != v {
		g.spill(o)
	}
	g.rf.clock++
	g.rf.owner[idx] = v
	g.rf.age[idx] = g.rf.clock
	v.phys = valueRegs[idx]
	v.inReg = true
}

func (g *gen) spill(v *vreg) {
	if !v.inReg {
		return
	}
	if v.slot == 0 {
		v.slot = g.frame.allocPermanent(8)
	}
	g.emit(asm.StoreMem(asm.RFP, v.slot, v.phys, asm.DWord))
	g.rf.owner[regIndex(v.phys)] = nil
	v.inReg = false
}

// r returns the physical register of v, reloading it if spilled. The
// register stays valid until the next call to r, newReg or place.
func (g *gen) r(v *vreg) asm.Register {
	if !v.inReg {
		slot := v.slot
		g.place(v, -1)
		g.emit(asm.LoadMem(v.phys, asm.RFP, slot, asm.DWord))
	}
	return v.phys
}

// r2 returns registers for two vregs at once, making sure loading the
// second does not spill the first.
func (g *gen) r2(a, b *vreg) (asm.Register, asm.Register) {
	ra := g.r(a)
	g.locked[a] = true
	rb := g.r(b)
	delete(g.locked, a)
	return ra, rb
}

func (g *gen) free(v *vreg) {
	if v == nil || !v.live {
		return
	}
	v.live = false
	if v.inReg && g.rf.owner[regIndex(v.phys)] == v {
		g.rf.owner[regIndex(v.phys)] = nil
	}
	for i, l := range g.rf.live {
		if l == v {
			g.rf.live = append(g.rf.live[:i], g.rf.live[i+1:]...)
			break
		}
	}
}

// regState is a snapshot of where each live vreg is, taken before control
// flow splits so every path can be brought back to the same state.
type regState struct {
	where map[*vreg]asm.Register // 0 means spilled
}

func (g *gen) saveRegs() regState {
	s := regState{where: map[*vreg]asm.Register{}}
	for _, v := range g.rf.live {
		if v.inReg {
			s.where[v] = v.phys
		} else {
			s.where[v] = 0
		}
	}
	return s
}

// restoreRegs moves live vregs back to where they were in s.
func (g *gen) restoreRegs(s regState) {
	// First spill vregs that must be spilled or that sit in a register
	// another vreg needs.
	for v, reg := range s.where {
		if !v.live {
			continue
		}
		if reg == 0 && v.inReg {
			g.spill(v)
		}
	}
	for v, reg := range s.where {
		if !v.live || reg == 0 {
			continue
		}
		if v.inReg && v.phys == reg {
			continue
		}
		idx := regIndex(reg)
		if o := g.rf.owner[idx]; o != nil && o != v {
			g.spill(o)
		}
		if v.inReg {
			g.emit(asm.Mov.Reg(reg, v.phys))
			g.rf.owner[regIndex(v.phys)] = nil
		} else {
			g.emit(asm.LoadMem(reg, asm.RFP, v.slot, asm.DWord))
		}
		g.rf.owner[idx] = v
		v.phys = reg
		v.inReg = true
	}
}

// frame allocates the 512-byte BPF stack. Slots for variables and spills are
// permanent for the program; temporaries are released per statement.
type frame struct {
	top   int // bytes in use below fp
	max   int
	limit int
}

const stackLimit = 512

func (f *frame) allocPermanent(size int) int16 {
	return f.alloc(size)
}

func (f *frame) alloc(size int) int16 {
	size = (size + 7) &^ 7
	f.top += size
	if f.top > f.max {
		f.max = f.top
	}
	return int16(-f.top)
}

func (f *frame) fits(size int) bool {
	return f.top+((size+7)&^7) <= f.limit
}

// storeImm is asm.StoreImm that also allows 8-byte stores: the kernel
// sign-extends the 32-bit immediate, which cilium's helper refuses to emit.
func storeImm(dst asm.Register, off int16, v int64, size asm.Size) asm.Instruction {
	return asm.Instruction{OpCode: asm.StoreImmOp(size), Dst: dst, Offset: off, Constant: v}
}
