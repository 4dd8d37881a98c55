package compiler

import (
	"strings"

	"github.com/cilium/ebpf/asm"

	"sonde/lang/ast"
	"sonde/types"
)

func (g *gen) block(b *ast.Block) {
	if b == nil {
		return
	}
	for _, s := range b.Stmts {
		g.stmt(s)
	}
}

func (g *gen) stmt(s ast.Stmt) {
	m := g.mark()
	g.setSource(s)
	switch s := s.(type) {
	case *ast.Block:
		g.block(s)
	case *ast.ExprStmt:
		if call, ok := s.X.(*ast.Call); ok {
			g.callStmt(call)
		} else {
			g.freeVal(g.expr(s.X))
		}
	case *ast.AssignStmt:
		g.assign(s)
	case *ast.LetStmt:
		vi := g.inst.vars[s.Var]
		if s.Value != nil {
			v := g.expr(s.Value)
			g.store(vi.slot, vi.t, v)
			g.freeVal(v)
		} else {
			g.zero(vi.slot, vi.t.Size)
		}
	case *ast.IfStmt:
		g.ifStmt(s)
	case *ast.ForStmt:
		g.forStmt(s)
	case *ast.WhileStmt:
		g.loopSpans = append(g.loopSpans, s.Span())
		top, done := g.newLabel("while"), g.newLabel("wend")
		g.bind(top)
		g.condJump(s.Cond, done)
		g.endStmt()
		g.loops = append(g.loops, loopLabels{brk: done, cont: top})
		g.block(s.Body)
		g.loops = g.loops[:len(g.loops)-1]
		g.emit(asm.Ja.Label(top))
		g.bind(done)
	case *ast.UnrollStmt:
		n, _ := constInt(s.Count)
		for i := int64(0); i < n; i++ {
			g.block(s.Body)
		}
	case *ast.JumpStmt:
		switch s.Kind {
		case ast.Return:
			g.emit(asm.Ja.Label(g.exitLabel))
		case ast.Break:
			g.emit(asm.Ja.Label(g.loops[len(g.loops)-1].brk))
		case ast.Continue:
			g.emit(asm.Ja.Label(g.loops[len(g.loops)-1].cont))
		}
	}
	g.endStmt()
	g.release(m)
}

func (g *gen) ifStmt(s *ast.IfStmt) {
	elseL, done := g.newLabel("else"), g.newLabel("fi")
	g.condJump(s.Cond, elseL)
	g.endStmt()
	g.block(s.Then)
	if s.Else == nil {
		g.bind(elseL)
		g.bind(done)
		return
	}
	g.emit(asm.Ja.Label(done))
	g.bind(elseL)
	g.stmt(s.Else)
	g.bind(done)
}

// rangeCounters are the variables of the probe's for-range loops.
func rangeCounters(inst *instance) map[*varInfo]bool {
	out := map[*varInfo]bool{}
	ast.Inspect(inst.probe.Body, func(n ast.Node) bool {
		if f, ok := n.(*ast.ForStmt); ok && f.Map == nil {
			if vi := inst.vars[f.Var]; vi != nil {
				out[vi] = true
			}
		}
		return true
	})
	return out
}

func (g *gen) forStmt(s *ast.ForStmt) {
	if s.Map != nil {
		g.forMap(s)
		return
	}
	if _, ok := constInt(s.End); !ok {
		g.loopSpans = append(g.loopSpans, s.Span())
	}
	vi := g.inst.vars[s.Var]
	// A constant end bound is an immediate (the verifier bounds the loop
	// by it); another is evaluated once, into a hidden slot. Either slot
	// may be in the scratch map when the frame is full.
	endConst, isConst := constInt(s.End)
	isConst = isConst && endConst == int64(int32(endConst))
	var endSlot loc
	if !isConst {
		endSlot = g.alloc(8)
	}
	start := g.expr(s.Start)
	g.store(vi.slot, vi.t, start)
	g.freeVal(start)
	if !isConst {
		end := g.expr(s.End)
		g.store(endSlot, types.Int64, end)
		g.freeVal(end)
	}
	g.endStmt()
	top, cont, done := g.newLabel("for"), g.newLabel("fornext"), g.newLabel("forend")
	g.bind(top)
	b, off := g.base(vi.slot, asm.R5)
	g.emit(asm.LoadMem(asm.R1, b, off, asm.DWord))
	if isConst {
		g.emit(asm.JSGE.Imm(asm.R1, int32(endConst), done))
	} else {
		b, off = g.base(endSlot, asm.R5)
		g.emit(asm.LoadMem(asm.R2, b, off, asm.DWord), asm.JSGE.Reg(asm.R1, asm.R2, done))
	}
	g.loops = append(g.loops, loopLabels{brk: done, cont: cont})
	g.block(s.Body)
	g.loops = g.loops[:len(g.loops)-1]
	g.bind(cont)
	b, off = g.base(vi.slot, asm.R5)
	g.emit(
		asm.LoadMem(asm.R1, b, off, asm.DWord),
		asm.Add.Imm(asm.R1, 1),
		asm.StoreMem(b, off, asm.R1, asm.DWord),
		asm.Ja.Label(top),
	)
	g.bind(done)
}

func (g *gen) assign(s *ast.AssignStmt) {
	switch t := s.Target.(type) {
	case *ast.Var:
		vi := g.inst.vars[t]
		if s.Op == "=" {
			v := g.expr(s.Value)
			g.store(vi.slot, vi.t, v)
			g.freeVal(v)
			return
		}
		old := g.loadField(vi.slot, vi.t)
		v := g.expr(s.Value)
		ro, rv := g.r2(old.reg, v.reg)
		g.alu(compoundOp(s.Op, vi.t.Signed), ro, rv)
		g.free(v.reg)
		g.store(vi.slot, vi.t, old)
		g.free(old.reg)
	case *ast.MapRef:
		if a, ok := g.inst.mapAggs[s]; ok {
			g.aggregate(t, s.Value.(*ast.Call), a)
			return
		}
		if s.Op == "+=" || s.Op == "-=" {
			v := g.expr(s.Value)
			if s.Op == "-=" {
				g.emit(asm.Neg.Imm(g.r(v.reg), 0))
			}
			g.mapAddReg(t, v.reg)
			return
		}
		if s.Op != "=" {
			old := g.mapRead(t)
			v := g.expr(s.Value)
			ro, rv := g.r2(old.reg, v.reg)
			g.alu(compoundOp(s.Op, old.t.Signed), ro, rv)
			g.free(v.reg)
			g.mapStore(t, old)
			return
		}
		v := g.expr(s.Value)
		g.mapStore(t, v)
	case *ast.Ident:
		g.freeVal(g.expr(s.Value))
	}
}

// compoundOp is the operation of an assignment operator such as "+=".
func compoundOp(op string, signed bool) asm.ALUOp {
	return aluOp(strings.TrimSuffix(op, "="), signed, signed)
}

// aluOp is the BPF operation of a binary operator. signed selects signed
// division and modulo (the result's type), shiftSigned an arithmetic right
// shift (the shifted operand's type).
func aluOp(op string, signed, shiftSigned bool) asm.ALUOp {
	switch op {
	case "+":
		return asm.Add
	case "-":
		return asm.Sub
	case "*":
		return asm.Mul
	case "/":
		if signed {
			return asm.SDiv
		}
		return asm.Div
	case "%":
		if signed {
			return asm.SMod
		}
		return asm.Mod
	case "&":
		return asm.And
	case "|":
		return asm.Or
	case "^":
		return asm.Xor
	case "<<":
		return asm.LSh
	case ">>":
		if shiftSigned {
			return asm.ArSh
		}
		return asm.RSh
	}
	panic("compiler: bad operator " + op)
}
