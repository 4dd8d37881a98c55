package compiler

import (
	"strconv"

	"github.com/cilium/ebpf/asm"

	"sonde/lang/ast"
	"sonde/provider"
	"sonde/types"
)

// expr evaluates e.
func (g *gen) expr(e ast.Expr) value {
	t := g.typeOf(e)
	switch e := e.(type) {
	case *ast.BlockExpr:
		kept := g.kept
		g.kept = map[*vreg]bool{}
		for v := range kept {
			g.kept[v] = true
		}
		for _, v := range g.rf.live {
			g.kept[v] = true
		}
		for _, s := range e.Block.Stmts {
			g.stmt(s)
		}
		g.kept = kept
		if e.Block.Value == nil || t == nil || t.Kind == types.Void {
			if e.Block.Value != nil {
				g.stmt(&ast.ExprStmt{At: e.At, X: e.Block.Value})
			}
			return value{t: types.VoidT}
		}
		return g.expr(e.Block.Value)
	case *ast.IntLit:
		return value{t: t, reg: g.imm(int64(e.Value))}
	case *ast.BoolLit:
		n := int64(0)
		if e.Value {
			n = 1
		}
		return value{t: t, reg: g.imm(n)}
	case *ast.StringLit:
		return g.stringLit(e.Value, t)
	case *ast.Positional:
		if e.Count {
			return value{t: t, reg: g.imm(int64(len(g.c.opts.Args)))}
		}
		s := g.c.opts.Positional(e.Index)
		if t.Kind == types.String {
			return g.stringLit(s, t)
		}
		n, _ := strconv.ParseInt(s, 0, 64)
		return value{t: t, reg: g.imm(n)}
	case *ast.Var:
		vi := g.inst.vars[e]
		return g.loadVar(vi)
	case *ast.MapRef:
		return g.mapRead(e)
	case *ast.Ident:
		return g.ident(e)
	case *ast.Call:
		return g.call(e)
	case *ast.Binary:
		return g.binary(e)
	case *ast.Unary:
		return g.unary(e)
	case *ast.IncDec:
		return g.incDec(e)
	case *ast.Ternary:
		return g.ternary(e)
	case *ast.Field:
		return g.field(e)
	case *ast.Index:
		return g.index(e)
	case *ast.Cast:
		return g.cast(e)
	case *ast.Tuple:
		l := g.alloc(t.Size)
		g.zero(l, t.Size)
		for i, x := range e.Elems {
			v := g.expr(x)
			g.store(l.plus(t.Fields[i].Offset), t.Fields[i].Type, v)
			g.freeVal(v)
		}
		return value{t: t, mem: l}
	case *ast.Record:
		l := g.alloc(t.Size)
		g.zero(l, t.Size)
		for i, f := range e.Fields {
			v := g.expr(f.Value)
			g.store(l.plus(t.Fields[i].Offset), t.Fields[i].Type, v)
			g.freeVal(v)
		}
		return value{t: t, mem: l}
	case *ast.Sizeof:
		var st *types.Type
		if e.X != nil {
			st = g.typeOf(e.X)
		} else {
			ck := &checker{c: g.c, inst: g.inst}
			st = ck.resolveType(e.Type)
		}
		n := int64(0)
		if st != nil {
			n = int64(st.Size)
		}
		return value{t: t, reg: g.imm(n)}
	case *ast.Offsetof:
		return value{t: t, reg: g.imm(g.inst.data[e].(int64))}
	}
	panic("compiler: unhandled expression")
}

func (g *gen) stringLit(s string, t *types.Type) value {
	l := g.alloc(t.Size)
	b := []byte(s)
	b = append(b, make([]byte, (t.Size+7)&^7-len(b))...)
	base, off := g.base(l, asm.R5)
	for i := 0; i+8 <= len(b); i += 8 {
		var w int64
		for j := 7; j >= 0; j-- {
			w = w<<8 | int64(b[i+j])
		}
		if w == int64(int32(w)) {
			g.emit(storeImm(base, off+int16(i), w, asm.DWord))
		} else {
			g.emit(asm.LoadImm(asm.R0, w, asm.DWord), asm.StoreMem(base, off+int16(i), asm.R0, asm.DWord))
		}
	}
	return value{t: t, mem: l}
}

func (g *gen) loadVar(vi *varInfo) value {
	return g.copyOut(g.loadField(vi.slot, vi.t))
}

// copyOut detaches a memory value from storage that may change (a variable
// that is reassigned while the value is in use).
func (g *gen) copyOut(v value) value { return v }

func (g *gen) binary(e *ast.Binary) value {
	t := g.typeOf(e)
	switch e.Op {
	case "&&", "||":
		return g.boolFromCond(e)
	case "==", "!=", "<", ">", "<=", ">=":
		return g.boolFromCond(e)
	}
	x := g.expr(e.X)
	y := g.expr(e.Y)
	rx, ry := g.r2(x.reg, y.reg)
	xt := g.typeOf(e.X)
	if xt.Kind == types.Pointer && (e.Op == "+" || e.Op == "-") && xt.Elem != nil && xt.Elem.Size > 1 {
		g.emit(asm.Mul.Imm(ry, int32(xt.Elem.Size)))
	}
	op := aluOp(e.Op, t.Signed, xt.Signed)
	// Division by zero yields 0 in BPF; bpftrace behaves the same.
	g.alu(op, rx, ry)
	g.free(y.reg)
	return value{t: t, reg: x.reg}
}

// boolFromCond materializes a condition as 0 or 1.
func (g *gen) boolFromCond(e ast.Expr) value {
	if g.condInMemory() {
		return value{t: types.BoolT, reg: g.boolFromCondMem(e)}
	}
	v := g.newReg()
	g.emit(asm.Mov.Imm(g.r(v), 0))
	g.locked[v] = true
	st := g.saveRegs()
	f := g.newLabel("false")
	g.condJump(e, f)
	g.restoreRegs(st)
	g.emit(asm.Mov.Imm(g.r(v), 1))
	g.bind(f)
	g.restoreRegs(st)
	delete(g.locked, v)
	return value{t: types.BoolT, reg: v}
}

var jumpOps = map[string]asm.JumpOp{
	"==": asm.JEq, "!=": asm.JNE, "<": asm.JLT, ">": asm.JGT, "<=": asm.JLE, ">=": asm.JGE,
}
var signedJumpOps = map[string]asm.JumpOp{
	"==": asm.JEq, "!=": asm.JNE, "<": asm.JSLT, ">": asm.JSGT, "<=": asm.JSLE, ">=": asm.JSGE,
}
var negate = map[string]string{"==": "!=", "!=": "==", "<": ">=", ">=": "<", ">": "<=", "<=": ">"}

// condJump jumps to label when e is false and falls through when true.
// Register state is the same on both edges.
func (g *gen) condJump(e ast.Expr, label string) {
	switch e := e.(type) {
	case *ast.Binary:
		switch e.Op {
		case "&&":
			g.condJump(e.X, label)
			g.condJump(e.Y, label)
			return
		case "||":
			st := g.saveRegs()
			next := g.newLabel("or")
			done := g.newLabel("ortrue")
			g.condJump(e.X, next)
			g.restoreRegs(st)
			g.emit(asm.Ja.Label(done))
			g.bind(next)
			g.restoreRegs(st)
			g.condJump(e.Y, label)
			g.restoreRegs(st)
			g.bind(done)
			return
		case "==", "!=", "<", ">", "<=", ">=":
			xt, yt := g.typeOf(e.X), g.typeOf(e.Y)
			if xt.Kind == types.String {
				g.stringCompare(e, label)
				return
			}
			if isMemType(xt) {
				g.memCompare(e, label)
				return
			}
			op := negate[e.Op]
			jop := jumpOps[op]
			if compareSigned(e.X, e.Y, xt, yt) {
				jop = signedJumpOps[op]
			}
			x := g.expr(e.X)
			if lit, ok := e.Y.(*ast.IntLit); ok && lit.Value < 1<<31 {
				r := g.r(x.reg)
				g.free(x.reg)
				g.emit(jop.Imm(r, int32(lit.Value), label))
				return
			}
			y := g.expr(e.Y)
			rx, ry := g.r2(x.reg, y.reg)
			g.free(x.reg)
			g.free(y.reg)
			g.emit(jop.Reg(rx, ry, label))
			return
		}
	case *ast.Unary:
		if e.Op == "!" {
			st := g.saveRegs()
			t := g.newLabel("not")
			g.condJump(e.X, t)
			g.restoreRegs(st)
			g.emit(asm.Ja.Label(label))
			g.bind(t)
			g.restoreRegs(st)
			return
		}
	case *ast.BoolLit:
		if !e.Value {
			g.emit(asm.Ja.Label(label))
		}
		return
	}
	v := g.expr(e)
	if v.isMem() {
		// Non-scalar values are always true.
		return
	}
	r := g.r(v.reg)
	g.free(v.reg)
	g.emit(asm.JEq.Imm(r, 0, label))
}

// stringCompare compares two strings up to the shorter capacity.
func (g *gen) stringCompare(e *ast.Binary, label string) {
	x := g.expr(e.X)
	y := g.expr(e.Y)
	// Compare byte by byte up to and including the first NUL of the
	// literal side when there is one; otherwise up to the shorter size.
	n := min(x.t.Size, y.t.Size)
	lit, isLit := e.Y.(*ast.StringLit)
	if !isLit {
		if l, ok := e.X.(*ast.StringLit); ok {
			lit, isLit = l, true
		}
	}
	if isLit {
		n = min(n, len(lit.Value)+1)
	}
	equal, differ := g.newLabel("streq"), g.newLabel("strne")
	xb, xo := g.base(x.mem, asm.R4)
	yb, yo := g.base(y.mem, asm.R5)
	for i := 0; i < n; i++ {
		g.emit(
			asm.LoadMem(asm.R1, xb, xo+int16(i), asm.Byte),
			asm.LoadMem(asm.R2, yb, yo+int16(i), asm.Byte),
		)
		if e.Op == "==" {
			g.emit(asm.JNE.Reg(asm.R1, asm.R2, label))
		} else {
			g.emit(asm.JNE.Reg(asm.R1, asm.R2, differ))
		}
		if i < n-1 {
			if e.Op == "==" {
				g.emit(asm.JEq.Imm(asm.R1, 0, equal))
			} else {
				g.emit(asm.JEq.Imm(asm.R1, 0, label))
			}
		}
	}
	if e.Op == "==" {
		// Falling through the loop means equal.
		g.bind(equal)
	} else {
		g.emit(asm.Ja.Label(label))
		g.bind(differ)
	}
	g.freeVal(x)
	g.freeVal(y)
}

// memCompare compares tuples and other in-memory values bytewise.
func (g *gen) memCompare(e *ast.Binary, label string) {
	x := g.expr(e.X)
	y := g.expr(e.Y)
	n := min(x.t.Size, y.t.Size)
	differ := g.newLabel("memne")
	xb, xo := g.base(x.mem, asm.R4)
	yb, yo := g.base(y.mem, asm.R5)
	target := label
	if e.Op == "!=" {
		target = differ
	}
	for i := 0; i < n; i += 8 {
		sz := asm.DWord
		if n-i < 8 {
			sz = asm.Byte
		}
		g.emit(asm.LoadMem(asm.R1, xb, xo+int16(i), sz), asm.LoadMem(asm.R2, yb, yo+int16(i), sz))
		g.emit(asm.JNE.Reg(asm.R1, asm.R2, target))
	}
	if e.Op == "!=" {
		g.emit(asm.Ja.Label(label))
		g.bind(differ)
	}
	g.freeVal(x)
	g.freeVal(y)
}

func (g *gen) unary(e *ast.Unary) value {
	switch e.Op {
	case "!":
		return g.boolFromCond(e)
	case "-":
		v := g.expr(e.X)
		g.emit(asm.Neg.Imm(g.r(v.reg), 0))
		return value{t: g.typeOf(e), reg: v.reg}
	case "~":
		v := g.expr(e.X)
		g.emit(asm.Xor.Imm(g.r(v.reg), -1))
		return value{t: g.typeOf(e), reg: v.reg}
	case "*":
		p := g.expr(e.X)
		pt := g.typeOf(e.X)
		return g.deref(p, pt, g.typeOf(e), 0)
	}
	panic("compiler: unhandled unary " + e.Op)
}

// deref reads a value of type t at ptr+off through the probe_read helper
// matching the pointer's address space.
func (g *gen) deref(ptr value, pt, t *types.Type, off int) value {
	read := asm.FnProbeReadKernel
	if pt.User {
		read = asm.FnProbeReadUser
	}
	size := t.Size
	if t.Kind == types.Struct {
		size = t.Size
	}
	l := g.alloc(size)
	g.addr(asm.R1, l)
	g.emit(asm.Mov.Imm(asm.R2, int32(size)))
	g.emit(asm.Mov.Reg(asm.R3, g.r(ptr.reg)))
	if off != 0 {
		g.emit(asm.Add.Imm(asm.R3, int32(off)))
	}
	g.free(ptr.reg)
	g.emit(read.Call())
	if isMemType(t) {
		return value{t: t, mem: l}
	}
	return g.loadField(l, t)
}

func (g *gen) incDec(e *ast.IncDec) value {
	delta := int64(1)
	if e.Op == "--" {
		delta = -1
	}
	switch x := e.X.(type) {
	case *ast.Var:
		vi := g.inst.vars[x]
		old := g.loadField(vi.slot, vi.t)
		r := g.r(old.reg)
		nv := g.newReg()
		rn := g.r(nv)
		r = g.r(old.reg)
		g.emit(asm.Mov.Reg(rn, r), asm.Add.Imm(rn, int32(delta)))
		g.store(vi.slot, vi.t, value{t: vi.t, reg: nv})
		if e.Post {
			g.free(nv)
			return old
		}
		g.free(old.reg)
		return value{t: vi.t, reg: nv}
	case *ast.MapRef:
		return g.mapAdd(x, e, delta, e.Post)
	}
	panic("compiler: bad ++ target")
}

func (g *gen) ternary(e *ast.Ternary) value {
	t := g.typeOf(e)
	if isMemType(t) {
		l := g.alloc(t.Size)
		st := g.saveRegs()
		elseL, done := g.newLabel("else"), g.newLabel("endif")
		g.condJump(e.Cond, elseL)
		g.restoreRegs(st)
		thenE := e.Then
		if thenE == nil {
			thenE = e.Cond
		}
		v := g.expr(thenE)
		g.store(l, t, v)
		g.freeVal(v)
		g.restoreRegs(st)
		g.emit(asm.Ja.Label(done))
		g.bind(elseL)
		g.restoreRegs(st)
		v = g.expr(e.Else)
		g.store(l, t, v)
		g.freeVal(v)
		g.restoreRegs(st)
		g.bind(done)
		return value{t: t, mem: l}
	}
	if g.condInMemory() {
		return value{t: t, reg: g.ternaryMem(e)}
	}
	res := g.newReg()
	g.locked[res] = true
	g.scalarTernary(e,
		func(r asm.Register) { g.emit(asm.Mov.Reg(g.r(res), r)) },
		func() asm.Register { return g.r(res) })
	delete(g.locked, res)
	return value{t: t, reg: res}
}

// scalarTernary evaluates a ternary whose value is a scalar, handing each
// branch's register to put; result gives the stored value back, for the
// `a ?: b` test.
func (g *gen) scalarTernary(e *ast.Ternary, put func(asm.Register), result func() asm.Register) {
	st := g.saveRegs()
	elseL, done := g.newLabel("else"), g.newLabel("endif")
	branch := func(x ast.Expr) {
		v := g.expr(x)
		put(g.r(v.reg))
		g.free(v.reg)
		g.restoreRegs(st)
	}
	if e.Then == nil {
		// a ?: b — a when non-zero.
		branch(e.Cond)
		g.emit(asm.JNE.Imm(result(), 0, done))
	} else {
		g.condJump(e.Cond, elseL)
		g.restoreRegs(st)
		branch(e.Then)
		g.emit(asm.Ja.Label(done))
	}
	g.bind(elseL)
	g.restoreRegs(st)
	branch(e.Else)
	g.bind(done)
}

func (g *gen) cast(e *ast.Cast) value {
	to := g.typeOf(e)
	v := g.expr(e.X)
	if to.Kind == types.Array {
		l := g.alloc(to.Size)
		b, off := g.base(l, asm.R5)
		g.emit(asm.StoreMem(b, off, g.r(v.reg), sizeOf(to.Size)))
		g.free(v.reg)
		return value{t: to, mem: l}
	}
	if v.isMem() {
		return value{t: to, mem: v.mem}
	}
	g.narrow(g.r(v.reg), to)
	return value{t: to, reg: v.reg}
}

func (g *gen) field(e *ast.Field) value {
	if id, ok := e.X.(*ast.Ident); ok && id.Name == "args" {
		return g.argsField(e)
	}
	xt := g.typeOf(e.X)
	t := g.typeOf(e)
	switch xt.Kind {
	case types.Tuple, types.Record:
		x := g.expr(e.X)
		for i, f := range xt.Fields {
			if f.Name == e.Name || (f.Name == "" && strconv.Itoa(i) == e.Name) {
				return g.loadField(x.mem.plus(f.Offset), f.Type)
			}
		}
	case types.Pointer:
		st := xt.Elem
		f, _ := g.c.structSource(g.inst, st).Field(g.fullStruct(st), e.Name)
		p := g.expr(e.X)
		return g.readMember(p, xt, f, t)
	case types.Struct:
		f, _ := g.c.structSource(g.inst, xt).Field(g.fullStruct(xt), e.Name)
		x := g.expr(e.X)
		if f.BitSize > 0 {
			return g.bitfield(g.loadField(x.mem.plus(f.Offset), types.Uint64), f)
		}
		if t.Kind == types.String {
			return value{t: t, mem: x.mem.plus(f.Offset)}
		}
		return g.loadField(x.mem.plus(f.Offset), t)
	}
	panic("compiler: bad field access")
}

func (g *gen) fullStruct(t *types.Type) *types.Type {
	if t.Fields != nil {
		return t
	}
	full, err := g.c.structSource(g.inst, t).Type(t.Name)
	if err != nil {
		return t
	}
	return full
}

// readMember reads struct member f through pointer p.
func (g *gen) readMember(p value, pt *types.Type, f types.Field, t *types.Type) value {
	if f.BitSize > 0 {
		size := f.Type.Size
		v := g.deref(p, pt, types.IntType(size, false), f.Offset)
		return g.bitfield(v, f)
	}
	return g.deref(p, pt, t, f.Offset)
}

func (g *gen) bitfield(v value, f types.Field) value {
	r := g.r(v.reg)
	if f.BitOff > 0 {
		g.emit(asm.RSh.Imm(r, int32(f.BitOff)))
	}
	if f.BitSize < 64 {
		g.emit(asm.LoadImm(asm.R0, int64(1)<<f.BitSize-1, asm.DWord), asm.And.Reg(r, asm.R0))
	}
	return value{t: f.Type, reg: v.reg}
}

// argsField reads a tracepoint field straight from the context.
func (g *gen) argsField(e *ast.Field) value {
	if a := g.inst.d.Args; a == provider.ArgsBTF || a == provider.ArgsRegs {
		return g.kernelArgsField(e)
	}
	t := g.typeOf(e)
	var f TracepointField
	for _, x := range g.inst.fields {
		if x.Name == e.Name {
			f = x
		}
	}
	if f.DataLoc {
		// __data_loc: u32 with the offset in the low half, length in the high.
		l := g.alloc(t.Size)
		g.zero(l, t.Size)
		g.emit(asm.LoadMem(asm.R3, asm.RFP, ctxSlot, asm.DWord))
		g.emit(asm.LoadMem(asm.R2, asm.R3, int16(f.Offset), asm.Word))
		g.emit(asm.And.Imm(asm.R2, 0xffff), asm.Add.Reg(asm.R3, asm.R2))
		g.addr(asm.R1, l)
		g.emit(asm.Mov.Imm(asm.R2, int32(t.Size)))
		g.emit(asm.FnProbeReadKernelStr.Call())
		return value{t: t, mem: l}
	}
	if isMemType(t) {
		l := g.alloc(t.Size)
		if t.Kind == types.String {
			g.zero(l, t.Size)
		}
		g.addr(asm.R1, l)
		g.emit(asm.Mov.Imm(asm.R2, int32(min(t.Size, f.Size))))
		g.emit(asm.LoadMem(asm.R3, asm.RFP, ctxSlot, asm.DWord), asm.Add.Imm(asm.R3, int32(f.Offset)))
		g.emit(asm.FnProbeReadKernel.Call())
		if t.Kind == types.String {
			b, off := g.base(l, asm.R5)
			g.emit(storeImm(b, off+int16(t.Size-1), 0, asm.Byte))
		}
		return value{t: t, mem: l}
	}
	v := g.newReg()
	r := g.r(v)
	// A field typed narrower than its slot (syscall tracepoints store an
	// int in 8 bytes) is its low bytes, sign-extended as its type says.
	size := f.Size
	if t.Size > 0 && t.Size < size {
		size = t.Size
	}
	g.emit(asm.LoadMem(asm.R1, asm.RFP, ctxSlot, asm.DWord))
	g.emit(asm.LoadMem(r, asm.R1, int16(f.Offset), sizeOf(size)))
	if t.Signed && size < 8 {
		g.signExtend(r, size)
	}
	return value{t: t, reg: v}
}

func (g *gen) index(e *ast.Index) value {
	xt := g.typeOf(e.X)
	t := g.typeOf(e)
	switch xt.Kind {
	case types.Tuple:
		n, _ := constInt(e.Index)
		x := g.expr(e.X)
		f := xt.Fields[n]
		return g.loadField(x.mem.plus(f.Offset), f.Type)
	case types.Pointer:
		p := g.expr(e.X)
		i := g.expr(e.Index)
		rp, ri := g.r2(p.reg, i.reg)
		es := 1
		if xt.Elem != nil {
			es = xt.Elem.Size
		}
		if es > 1 {
			g.emit(asm.Mul.Imm(ri, int32(es)))
		}
		g.emit(asm.Add.Reg(rp, ri))
		g.free(i.reg)
		if t.Kind == types.String {
			return g.readStr(p, xt.Elem, t)
		}
		return g.deref(p, xt, t, 0)
	case types.Array, types.String:
		x := g.expr(e.X)
		es := 1
		if xt.Kind == types.Array {
			es = xt.Elem.Size
		}
		n, ok := constInt(e.Index)
		if ok {
			if n < 0 || (xt.Kind == types.Array && int(n) >= xt.Len) || (xt.Kind == types.String && int(n) >= xt.Size) {
				g.c.errorAt(e.Index.Span(), "", "index %d is out of bounds", n)
				return value{t: t, reg: g.imm(0)}
			}
			return g.loadField(x.mem.plus(int(n)*es), t)
		}
		g.c.errorAt(e.Index.Span(), "", "array index must be a constant for now")
		return value{t: t, reg: g.imm(0)}
	}
	panic("compiler: bad index")
}

// readStr reads a NUL-terminated string from a pointer held in p (a char **
// element that was dereferenced to a char *).
func (g *gen) readStr(p value, elem *types.Type, t *types.Type) value {
	user := elem != nil && elem.User
	ptr := g.deref(p, types.PointerTo(elem, user), types.Uint64, 0)
	return g.strFromPtr(ptr, user, t.Size)
}

// strFromPtr copies a NUL-terminated string from the address in ptr.
func (g *gen) strFromPtr(ptr value, user bool, size int) value {
	t := types.StringType(size)
	l := g.alloc(size)
	g.zero(l, size)
	g.addr(asm.R1, l)
	g.emit(asm.Mov.Imm(asm.R2, int32(size)))
	g.emit(asm.Mov.Reg(asm.R3, g.r(ptr.reg)))
	g.free(ptr.reg)
	if user {
		g.emit(asm.FnProbeReadUserStr.Call())
	} else {
		g.emit(asm.FnProbeReadKernelStr.Call())
	}
	return value{t: t, mem: l}
}

// compareSigned decides a comparison's signedness. A non-negative literal
// takes the other operand's signedness, so (uint64)-1 > 0 holds.
func compareSigned(x, y ast.Expr, xt, yt *types.Type) bool {
	if isNonNegLit(y) {
		return xt.Signed
	}
	if isNonNegLit(x) {
		return yt.Signed
	}
	return xt.Signed || yt.Signed
}

func isNonNegLit(e ast.Expr) bool {
	l, ok := e.(*ast.IntLit)
	return ok && l.Value < 1<<63
}
