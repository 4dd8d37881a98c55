package compiler

import "github.com/cilium/ebpf/asm"

// alu emits dst op= src. Signed division and modulo are BPF instructions
// only since Linux 6.6 (cpu v4), so they are built from the unsigned ones
// on magnitudes, which every kernel has: the quotient is negative when the
// signs differ, the remainder takes the dividend's sign (C semantics).
func (g *gen) alu(op asm.ALUOp, dst, src asm.Register) {
	if op != asm.SDiv && op != asm.SMod {
		g.emit(op.Reg(dst, src))
		return
	}
	mod := op == asm.SMod
	posX, posY, done := g.newLabel("sdivx"), g.newLabel("sdivy"), g.newLabel("sdiv")
	g.emit(
		asm.Mov.Reg(asm.R1, dst),
		asm.Mov.Reg(asm.R2, src),
		asm.Mov.Imm(asm.R3, 0), // 1 when the result is negative
		asm.JSGE.Imm(asm.R1, 0, posX),
		asm.Neg.Imm(asm.R1, 0),
		asm.Mov.Imm(asm.R3, 1),
	)
	g.bind(posX)
	g.emit(asm.JSGE.Imm(asm.R2, 0, posY), asm.Neg.Imm(asm.R2, 0))
	if !mod {
		g.emit(asm.Xor.Imm(asm.R3, 1))
	}
	g.bind(posY)
	if mod {
		g.emit(asm.Mod.Reg(asm.R1, asm.R2))
	} else {
		g.emit(asm.Div.Reg(asm.R1, asm.R2))
	}
	g.emit(asm.JEq.Imm(asm.R3, 0, done), asm.Neg.Imm(asm.R1, 0))
	g.bind(done)
	g.emit(asm.Mov.Reg(dst, asm.R1))
}
