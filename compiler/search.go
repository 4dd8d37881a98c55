package compiler

import (
	"fmt"

	"github.com/cilium/ebpf/asm"

	"sonde/stdlib"
	"sonde/types"
)

// Long strings (a default str() is 1024 bytes) are scanned with bpf_loop
// and a callback that looks at one position. Unrolled, a scan is tens of
// thousands of instructions whose branches the verifier explores one by
// one, and Linux 6.17/6.18's verifier fails on such searches with an
// internal error (EFAULT); a callback is verified once.

// StrlenLoop implements stdlib.Gen: strlen of a long string. A string
// filled to its capacity has size-1 characters (the last byte is a NUL or
// str()'s truncation mark).
func (g *gen) StrlenLoop(s stdlib.Value, size int) stdlib.Value {
	return g.scanString(s, size-1, int64(size-1), "strlen", types.Uint64, func(stop, next string) asm.Instructions {
		return asm.Instructions{
			asm.JNE.Imm(asm.R4, 0, next),
			asm.StoreMem(asm.R2, 8, asm.R1, asm.DWord),
			asm.Ja.Label(stop),
		}
	})
}

// SearchLoop implements stdlib.Gen: strstr/strcontains over a long
// haystack. The result is the position of the first match (index) or 1,
// else missing.
func (g *gen) SearchLoop(hay stdlib.Value, size int, needle string, index bool, missing int64) stdlib.Value {
	t := types.BoolT
	if index {
		t = types.Int64
	}
	return g.scanString(hay, size-len(needle)+1, missing, "search", t, func(stop, next string) asm.Instructions {
		body := asm.Instructions{
			asm.JEq.Imm(asm.R4, 0, stop), // the haystack ended
			asm.JNE.Imm(asm.R4, int32(needle[0]), next),
		}
		for k := 1; k < len(needle); k++ {
			body = append(body, asm.LoadMem(asm.R4, asm.R3, int16(k), asm.Byte), asm.JNE.Imm(asm.R4, int32(needle[k]), next))
		}
		found := asm.Mov.Imm(asm.R4, 1)
		if index {
			found = asm.Mov.Reg(asm.R4, asm.R1)
		}
		return append(body, found, asm.StoreMem(asm.R2, 8, asm.R4, asm.DWord), asm.Ja.Label(stop))
	})
}

// scanString runs bpf_loop over positions 0..n-1 of the string s. The
// callback gets the position in R1 and a context in R2 (the string's
// address at 0, the result at 8, initially init); it points R3 at the
// position and loads its byte into R4 before body, which jumps to stop to
// end the loop or to next to go on. The result is read back as t.
func (g *gen) scanString(s stdlib.Value, n int, init int64, name string, t *types.Type, body func(stop, next string) asm.Instructions) stdlib.Value {
	ctx := g.alloc(16)
	if ctx.scratch {
		g.c.errorAt(g.inst.probe.Span(), "", "%s: no stack left for the loop", name)
	}
	g.addr(asm.R1, asValue(s).mem)
	g.emit(asm.StoreMem(asm.RFP, int16(ctx.off), asm.R1, asm.DWord), storeImm(asm.RFP, int16(ctx.off+8), init, asm.DWord))

	g.root.nsearch++
	sym := fmt.Sprintf("%s_%s%d", progSymbol(g.inst), name, g.root.nsearch)
	stop, next := sym+"_stop", sym+"_next"
	cb := asm.Instructions{
		asm.JGT.Imm(asm.R1, int32(n-1), stop),
		asm.LoadMem(asm.R3, asm.R2, 0, asm.DWord),
		asm.Add.Reg(asm.R3, asm.R1),
		asm.LoadMem(asm.R4, asm.R3, 0, asm.Byte),
	}
	cb = append(cb, body(stop, next)...)
	cb = append(cb,
		asm.Mov.Imm(asm.R0, 1).WithSymbol(stop), asm.Return(),
		asm.Mov.Imm(asm.R0, 0).WithSymbol(next), asm.Return(),
	)
	g.addSubprog(sym, g.inst.probe, cb)

	g.emit(asm.Mov.Imm(asm.R1, int32(n)), loadFunc(asm.R2, sym))
	g.addr(asm.R3, ctx)
	g.emit(asm.Mov.Imm(asm.R4, 0), asm.FnLoop.Call())
	v := g.newReg()
	g.emit(asm.LoadMem(g.r(v), asm.RFP, int16(ctx.off+8), asm.DWord))
	return value{t: t, reg: v}
}
