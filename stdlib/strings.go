package stdlib

import (
	"sonde/plan"

	"github.com/cilium/ebpf/asm"

	"sonde/lang/ast"
	"sonde/types"
)

// String functions.

func init() {
	addFuncs(
		&Func{Name: "str", Example: `tracepoint:syscalls:sys_enter_openat { @[str(args.filename, 8)] = count(); }`, Doc: "str(addr [, len]): read a NUL-terminated string", Min: 1, Max: 2, Type: typeStr, Gen: genStr},
		&Func{Name: "strftime", Example: `BEGIN { printf("%s\n", strftime("%H:%M:%S.%f", nsecs)); }`, Doc: "strftime(fmt, nsecs): a timestamp printed with a strftime format (%f: microseconds)", Min: 2, Max: 2, Type: typeStrftime,
			Gen: func(g Gen, call *ast.Call) Value {
				return g.WithType(g.Expr(call.Args[1]), g.TypeOf(call))
			}},
		&Func{Name: "join", Example: `tracepoint:syscalls:sys_enter_execve { join(args.filename); }`, Doc: "join(argv [, sep]): print an array of strings joined by sep", Min: 1, Max: 2, Type: typeJoin, Gen: genJoin},
	)
}

func typeStr(c Checker, call *ast.Call) *types.Type {
	if p, ok := call.Args[0].(*ast.Positional); ok && !p.Count {
		t := types.StringType(len(c.Positional(p.Index)) + 1)
		c.SetType(p, t)
		return t
	}
	t := c.Expr(call.Args[0])
	if t == nil {
		return nil
	}
	size := c.MaxStrlen()
	if len(call.Args) == 2 {
		if n, ok := ast.ConstInt(call.Args[1]); ok {
			if n+1 < int64(size) {
				size = int(n) + 1
			}
		} else if c.IntArg(call, 1) == nil {
			return nil // a length that is not an integer (str(p, "8"))
		}
	}
	switch t.Kind {
	case types.String:
		return t
	case types.Pointer, types.Int:
	case types.Array:
		if t.Elem.Size == 1 {
			return types.StringType(t.Len + 1)
		}
		c.Errorf(call.Args[0], "str() needs a pointer or an integer address, not %s", t)
		return nil
	default:
		c.Errorf(call.Args[0], "str() needs a pointer or an integer address, not %s", t)
		return nil
	}
	return types.StringType(size)
}

func typeStrftime(c Checker, call *ast.Call) *types.Type {
	lit, ok := call.Args[0].(*ast.StringLit)
	if !ok {
		c.Errorf(call.Args[0], "strftime() takes a literal format string")
		return nil
	}
	c.IntArg(call, 1)
	return &types.Type{Kind: types.Timestamp, Size: 8, Format: lit.Value}
}

func typeJoin(c Checker, call *ast.Call) *types.Type {
	t := c.Expr(call.Args[0])
	if t != nil && !t.IsScalar() {
		c.Errorf(call.Args[0], "join() needs an array of strings (char **)")
	}
	if len(call.Args) == 2 {
		if _, ok := call.Args[1].(*ast.StringLit); !ok {
			c.Errorf(call.Args[1], "join() takes a literal separator")
		}
	}
	return types.VoidT
}

func genStr(g Gen, call *ast.Call) Value {
	t := g.TypeOf(call)
	if p, ok := call.Args[0].(*ast.Positional); ok && !p.Count {
		return g.StringLit(g.Positional(p.Index), t)
	}
	at := g.TypeOf(call.Args[0])
	v := g.Expr(call.Args[0])
	if at.Kind == types.String {
		return v
	}
	if at.Kind == types.Array {
		s := g.Alloc(t.Size)
		g.Zero(s, t.Size)
		g.Copy(s, g.Mem(v), at.Size)
		return g.MemValue(t, s)
	}
	var n Value
	if len(call.Args) == 2 {
		if _, ok := ast.ConstInt(call.Args[1]); !ok {
			n = g.Expr(call.Args[1])
		}
	}
	s := g.Alloc(t.Size)
	g.Zero(s, t.Size)
	if n != nil {
		// Runtime length: clamp to the buffer, plus one for the NUL.
		rn := g.Reg(n)
		g.Emit(asm.Mov.Reg(asm.R2, rn), asm.Add.Imm(asm.R2, 1))
		ok := g.NewLabel("strlen")
		g.Emit(asm.JLE.Imm(asm.R2, int32(t.Size), ok), asm.Mov.Imm(asm.R2, int32(t.Size)))
		g.Bind(ok)
		g.Emit(asm.And.Imm(asm.R2, 0x7fff))
		g.Free(n)
	} else {
		g.Emit(asm.Mov.Imm(asm.R2, int32(t.Size)))
	}
	g.Emit(asm.Mov.Reg(asm.R3, g.Reg(v)))
	g.Addr(asm.R1, s)
	readStr := g.StrReader(at)
	read := asm.FnProbeReadKernel
	switch readStr {
	case asm.FnProbeReadUserStr:
		read = asm.FnProbeReadUser
	case asm.FnProbeReadStr:
		read = asm.FnProbeRead
	}
	g.Emit(readStr.Call())
	if n == nil {
		markTruncated(g, s, t.Size, v, read)
	}
	g.Free(v)
	return g.MemValue(t, s)
}

// TruncMark ends a string that went on past its capacity: str() puts it
// in the last byte (where the NUL was) and runtime/output prints the
// characters before it and the ".." trailer. 0xff never occurs in UTF-8
// text, and the mark survives the string being widened into a longer map
// key, where a length could not.
const TruncMark = 0xff

// markTruncated flags a string cut at its capacity: when the read filled
// the buffer (R0 == size), the byte after the last kept character is read;
// if the string goes on, TruncMark replaces the terminating NUL.
func markTruncated(g Gen, s Slot, size int, src Value, read asm.BuiltinFunc) {
	done := g.NewLabel("strfit")
	g.Emit(asm.JNE.Imm(asm.R0, int32(size), done))
	last := s.Plus(size - 1)
	g.Emit(asm.Mov.Reg(asm.R3, g.Reg(src)), asm.Add.Imm(asm.R3, int32(size-1)))
	g.Addr(asm.R1, last)
	g.Emit(asm.Mov.Imm(asm.R2, 1), read.Call())
	b, off := g.Base(last, asm.R5)
	g.Emit(asm.LoadMem(asm.R1, b, off, asm.Byte), asm.JEq.Imm(asm.R1, 0, done))
	g.Emit(asm.StoreImm(b, off, TruncMark, asm.Byte))
	g.Bind(done)
	g.Emit(asm.Mov.Imm(asm.R0, 0))
}

// joinMax is how many strings join() reads, as bpftrace.
const joinMax = 16

func genJoin(g Gen, call *ast.Call) Value {
	a := &plan.Action{Kind: plan.ActJoin, Sep: " ", Source: SourceText(call)}
	if len(call.Args) == 2 {
		a.Sep = call.Args[1].(*ast.StringLit).Value
	}
	elem := min(g.MaxStrlen(), 1024)
	a.Args = types.TupleOf(types.Uint64, types.ArrayOf(types.StringType(elem), joinMax))
	id := g.AddAction(a)
	size := 8 + a.Args.Size
	rec := g.Alloc(size)
	arr := g.Expr(call.Args[0])
	read, readStr := asm.FnProbeReadKernel, asm.FnProbeReadKernelStr
	if g.UserSpace(g.TypeOf(call.Args[0])) {
		read, readStr = asm.FnProbeReadUser, asm.FnProbeReadUserStr
	}
	g.StoreImm(rec, int64(id))
	done := g.NewLabel("joindone")
	ptrSlot := g.Alloc(8)
	for i := 0; i < joinMax; i++ {
		// n = i; ptr = arr[i]; stop at NULL.
		g.StoreImm(rec.Plus(8), int64(i))
		g.Addr(asm.R1, ptrSlot)
		g.Emit(asm.Mov.Imm(asm.R2, 8), asm.Mov.Reg(asm.R3, g.Reg(arr)), asm.Add.Imm(asm.R3, int32(i*8)), read.Call())
		g.Emit(asm.JNE.Imm(asm.R0, 0, done))
		b, off := g.Base(ptrSlot, asm.R5)
		g.Emit(asm.LoadMem(asm.R3, b, off, asm.DWord), asm.JEq.Imm(asm.R3, 0, done))
		g.Addr(asm.R1, rec.Plus(16+i*elem))
		g.Emit(asm.Mov.Imm(asm.R2, int32(elem)), readStr.Call())
	}
	g.StoreImm(rec.Plus(8), joinMax)
	g.Bind(done)
	g.Free(arr)
	g.Output(rec, size)
	return void
}
