package compiler

import (
	"fmt"

	"github.com/cilium/ebpf/asm"

	"sonde/stdlib"
	"sonde/types"
)

// StrlenLoop implements stdlib.Gen: strlen of a long string as bpf_loop,
// for the reasons of SearchLoop. A string filled to its capacity has
// size-1 characters (the last byte is a NUL or str()'s truncation mark).
func (g *gen) StrlenLoop(s stdlib.Value, size int) stdlib.Value {
	ctx := g.alloc(16) // [0] the string's address, [8] the length
	if ctx.scratch {
		g.c.errorAt(g.inst.probe.Span(), "", "strlen: no stack left for the loop")
	}
	g.addr(asm.R1, asValue(s).mem)
	g.emit(asm.StoreMem(asm.RFP, int16(ctx.off), asm.R1, asm.DWord), storeImm(asm.RFP, int16(ctx.off+8), int64(size-1), asm.DWord))
	g.root.nsearch++
	sym := fmt.Sprintf("%s_strlen%d", progSymbol(g.inst), g.root.nsearch)
	stop, next := sym+"_stop", sym+"_next"
	g.addSubprog(sym, stdlib.SourceText(g.inst.probe), asm.Instructions{
		asm.JGT.Imm(asm.R1, int32(size-2), stop),
		asm.LoadMem(asm.R3, asm.R2, 0, asm.DWord),
		asm.Add.Reg(asm.R3, asm.R1),
		asm.LoadMem(asm.R4, asm.R3, 0, asm.Byte),
		asm.JNE.Imm(asm.R4, 0, next),
		asm.StoreMem(asm.R2, 8, asm.R1, asm.DWord),
		asm.Mov.Imm(asm.R0, 1).WithSymbol(stop), asm.Return(),
		asm.Mov.Imm(asm.R0, 0).WithSymbol(next), asm.Return(),
	})
	g.emit(asm.Mov.Imm(asm.R1, int32(size-1)), loadFunc(asm.R2, sym))
	g.addr(asm.R3, ctx)
	g.emit(asm.Mov.Imm(asm.R4, 0), asm.FnLoop.Call())
	v := g.newReg()
	g.emit(asm.LoadMem(g.r(v), asm.RFP, int16(ctx.off+8), asm.DWord))
	return value{t: types.Uint64, reg: v}
}

// SearchLoop implements stdlib.Gen: strstr/strcontains over a long
// haystack (a default str() is 1024 bytes) as bpf_loop with a callback
// that tests one start position. Unrolled, such a search is tens of
// thousands of instructions whose branches the verifier explores one by
// one, and Linux 6.17/6.18's verifier fails on them with an internal
// error (EFAULT); the callback is verified once. The result is the
// position of the first match (index) or 1, else missing.
func (g *gen) SearchLoop(hay stdlib.Value, size int, needle string, index bool, missing int64) stdlib.Value {
	hv := asValue(hay)
	limit := size - len(needle) // the last start position
	ctx := g.alloc(16)          // [0] the haystack's address, [8] the result
	if ctx.scratch {
		g.c.errorAt(g.inst.probe.Span(), "", "strstr/strcontains: no stack left for the search")
	}
	g.addr(asm.R1, hv.mem)
	g.emit(asm.StoreMem(asm.RFP, int16(ctx.off), asm.R1, asm.DWord), storeImm(asm.RFP, int16(ctx.off+8), missing, asm.DWord))

	g.root.nsearch++
	sym := fmt.Sprintf("%s_search%d", progSymbol(g.inst), g.root.nsearch)
	stop, next := sym+"_stop", sym+"_next"
	// The callback: R1 is the position, R2 the context.
	cb := asm.Instructions{
		asm.JGT.Imm(asm.R1, int32(limit), stop),
		asm.LoadMem(asm.R3, asm.R2, 0, asm.DWord),
		asm.Add.Reg(asm.R3, asm.R1),
		asm.LoadMem(asm.R4, asm.R3, 0, asm.Byte),
		asm.JEq.Imm(asm.R4, 0, stop), // the haystack ended
		asm.JNE.Imm(asm.R4, int32(needle[0]), next),
	}
	for k := 1; k < len(needle); k++ {
		cb = append(cb, asm.LoadMem(asm.R4, asm.R3, int16(k), asm.Byte), asm.JNE.Imm(asm.R4, int32(needle[k]), next))
	}
	if index {
		cb = append(cb, asm.Mov.Reg(asm.R4, asm.R1))
	} else {
		cb = append(cb, asm.Mov.Imm(asm.R4, 1))
	}
	cb = append(cb,
		asm.StoreMem(asm.R2, 8, asm.R4, asm.DWord),
		asm.Mov.Imm(asm.R0, 1).WithSymbol(stop), asm.Return(),
		asm.Mov.Imm(asm.R0, 0).WithSymbol(next), asm.Return(),
	)
	g.addSubprog(sym, stdlib.SourceText(g.inst.probe), cb)

	g.emit(asm.Mov.Imm(asm.R1, int32(limit+1)), loadFunc(asm.R2, sym))
	g.addr(asm.R3, ctx)
	g.emit(asm.Mov.Imm(asm.R4, 0), asm.FnLoop.Call())
	t := types.Int64
	if !index {
		t = types.BoolT
	}
	v := g.newReg()
	g.emit(asm.LoadMem(g.r(v), asm.RFP, int16(ctx.off+8), asm.DWord))
	return value{t: t, reg: v}
}
