package stdlib

import (
	"github.com/cilium/ebpf/asm"
	"maps"
	"slices"
	"sonde/provider"

	"sonde/lang/ast"
	"sonde/types"
)

// String and memory functions computed in the kernel. Loops over bytes
// are unrolled with constant offsets, which the verifier checks quickly.

func init() {
	addFuncs(
		&Func{Name: "strlen", Min: 1, Max: 1,
			Doc:     "strlen(s): the length of a string, up to its NUL",
			Example: `tracepoint:syscalls:sys_enter_openat { @len = hist(strlen(str(args.filename))); }`,
			Type:    typeStrlen, Gen: genStrlen},
		&Func{Name: "strncmp", Min: 3, Max: 3,
			Doc:     "strncmp(a, b, n): 0 when the first n characters of two strings are equal, 1 otherwise",
			Example: `tracepoint:syscalls:sys_enter_openat /strncmp(comm, "system", 6) == 0/ { @[comm] = count(); }`,
			Type:    typeStrncmp, Gen: genStrncmp},
		&Func{Name: "buf", Min: 1, Max: 2,
			Doc:     "buf(addr, len) or buf(array): raw bytes, printed with %r (printable ASCII, else \\xNN)",
			Example: `tracepoint:syscalls:sys_enter_write { printf("%r\n", buf(args.buf, 16)); }`,
			Type:    typeBuf, Gen: genBuf},
		&Func{Name: "kptr", Min: 1, Max: 1,
			Doc:     "kptr(p): treat an address as kernel memory",
			Example: `tracepoint:syscalls:sys_enter_openat { @ = kptr(args.filename); }`,
			Type:    pointerSpace(false), Gen: genRetype},
		&Func{Name: "uptr", Min: 1, Max: 1,
			Doc:     "uptr(p): treat an address as user memory",
			Example: `tracepoint:syscalls:sys_enter_openat { @[str(uptr(args.filename))] = count(); }`,
			Type:    pointerSpace(true), Gen: genRetype},
		&Func{Name: "reg", Min: 1, Max: 1,
			Doc:     `reg("name"): a register of the probed context (ip, sp, bp, ax, di...; x86_64)`,
			Example: `profile:hz:99 { @[reg("ip") > 0] = count(); }`,
			Type:    typeReg, Gen: genReg},
	)
}

func typeStrlen(c Checker, call *ast.Call) *types.Type {
	if t := c.Expr(call.Args[0]); t != nil && t.Kind != types.String {
		c.Errorf(call.Args[0], "strlen() needs a string, not %s", t)
		return nil
	}
	return types.Uint64
}

func genStrlen(g Gen, call *ast.Call) Value {
	s := g.Expr(call.Args[0])
	size := g.TypeOf(call.Args[0]).Size
	if size > unrollSearch {
		v := g.StrlenLoop(s, size)
		g.Free(s)
		return v
	}
	res := g.NewValue(types.Uint64)
	r := g.Reg(res)
	done := g.NewLabel("strlen")
	b, off := g.Base(g.Mem(s), asm.R5)
	// A string filled to its capacity ends in str()'s truncation mark
	// (TruncMark), which is not one of its characters.
	for i := 0; i < size-1; i++ {
		g.Emit(asm.Mov.Imm(r, int32(i)), asm.LoadMem(asm.R1, b, off+int16(i), asm.Byte), asm.JEq.Imm(asm.R1, 0, done))
	}
	g.Emit(asm.Mov.Imm(r, int32(size-1)))
	g.Bind(done)
	g.Emit(asm.Mov.Reg(r, r))
	g.Free(s)
	return res
}

func typeStrncmp(c Checker, call *ast.Call) *types.Type {
	for _, a := range call.Args[:2] {
		if t := c.Expr(a); t != nil && t.Kind != types.String {
			c.Errorf(a, "strncmp() compares strings, not %s", t)
			return nil
		}
	}
	if n, ok := ast.ConstInt(call.Args[2]); !ok || n < 0 {
		c.Errorf(call.Args[2], "strncmp() takes a literal length")
		return nil
	}
	return types.Uint64
}

func genStrncmp(g Gen, call *ast.Call) Value {
	n, _ := ast.ConstInt(call.Args[2])
	a, b := g.Expr(call.Args[0]), g.Expr(call.Args[1])
	la, lb := g.TypeOf(call.Args[0]).Size, g.TypeOf(call.Args[1]).Size
	res := g.NewValue(types.Uint64)
	r := g.Reg(res)
	differ, done := g.NewLabel("differ"), g.NewLabel("strncmp")
	g.Emit(asm.Mov.Imm(r, 0))
	ba, oa := g.Base(g.Mem(a), asm.R4)
	bb, ob := g.Base(g.Mem(b), asm.R5)
	for i := 0; i < int(n); i++ {
		// Past the end of a buffer the string has ended: read as NUL.
		ca, cb := asm.R1, asm.R2
		if i < la {
			g.Emit(asm.LoadMem(ca, ba, oa+int16(i), asm.Byte))
		} else {
			g.Emit(asm.Mov.Imm(ca, 0))
		}
		if i < lb {
			g.Emit(asm.LoadMem(cb, bb, ob+int16(i), asm.Byte))
		} else {
			g.Emit(asm.Mov.Imm(cb, 0))
		}
		g.Emit(asm.JNE.Reg(ca, cb, differ), asm.JEq.Imm(ca, 0, done))
		if i >= la && i >= lb {
			break
		}
	}
	g.Emit(asm.Ja.Label(done))
	g.Bind(differ)
	g.Emit(asm.Mov.Imm(r, 1))
	g.Bind(done)
	g.Emit(asm.Mov.Reg(r, r))
	g.Free(a)
	g.Free(b)
	return res
}

// bufType is [u32 length][n bytes], as runtime/output decodes it.
func bufType(n int) *types.Type { return &types.Type{Kind: types.Buffer, Size: (4 + n + 7) &^ 7} }

func typeBuf(c Checker, call *ast.Call) *types.Type {
	t := c.Expr(call.Args[0])
	if t == nil {
		return nil
	}
	if len(call.Args) == 1 {
		if t.Kind != types.Array {
			c.Errorf(call, "buf() needs a length unless its argument is an array")
			return nil
		}
		return bufType(t.Size)
	}
	inMemory := t.Kind == types.String || t.Kind == types.Array
	if !t.IsScalar() && !inMemory {
		c.Errorf(call.Args[0], "buf() needs an address, a string or an array, not %s", t)
		return nil
	}
	max := c.MaxStrlen()
	if inMemory {
		n, ok := ast.ConstInt(call.Args[1])
		if !ok || n <= 0 {
			c.Errorf(call.Args[1], "buf() of a string or array takes a literal length")
			return nil
		}
		return bufType(int(min(n, int64(t.Size))))
	}
	if n, ok := ast.ConstInt(call.Args[1]); ok {
		if n <= 0 || n > int64(max) {
			c.Errorf(call.Args[1], "buf() length must be between 1 and %d (max_strlen)", max)
			return nil
		}
		return bufType(int(n))
	}
	if c.IntArg(call, 1) == nil {
		return nil
	}
	return bufType(max)
}

func genBuf(g Gen, call *ast.Call) Value {
	t := g.TypeOf(call)
	at := g.TypeOf(call.Args[0])
	v := g.Expr(call.Args[0])
	s := g.Alloc(t.Size)
	g.Zero(s, t.Size)
	if at.Kind == types.Array || at.Kind == types.String {
		n := at.Size
		if len(call.Args) == 2 {
			l, _ := ast.ConstInt(call.Args[1])
			n = int(min(l, int64(at.Size)))
		}
		g.Copy(s.Plus(4), g.Mem(v), n)
		b, off := g.Base(s, asm.R5)
		g.Emit(asm.StoreImm(b, off, int64(n), asm.Word))
		g.Free(v)
		return g.MemValue(t, s)
	}
	max := t.Size - 4
	if n, ok := ast.ConstInt(call.Args[1]); ok {
		max = int(n)
		g.Emit(asm.Mov.Imm(asm.R2, int32(n)))
	} else {
		// Runtime length: clamp to the buffer; the mask tells the
		// verifier the size is bounded.
		nv := g.Expr(call.Args[1])
		g.Emit(asm.Mov.Reg(asm.R2, g.Reg(nv)))
		g.Free(nv)
		ok := g.NewLabel("buflen")
		g.Emit(asm.JLE.Imm(asm.R2, int32(max), ok), asm.Mov.Imm(asm.R2, int32(max)))
		g.Bind(ok)
		g.Emit(asm.And.Imm(asm.R2, 0x7fff))
	}
	b, off := g.Base(s, asm.R5)
	g.Emit(asm.StoreMem(b, off, asm.R2, asm.Word))
	g.Emit(asm.Mov.Reg(asm.R3, g.Reg(v)))
	g.Free(v)
	g.Addr(asm.R1, s.Plus(4))
	read := asm.FnProbeReadKernel
	if g.UserSpace(at) {
		read = asm.FnProbeReadUser
	}
	g.Emit(read.Call())
	return g.MemValue(t, s)
}

func pointerSpace(user bool) func(Checker, *ast.Call) *types.Type {
	return func(c Checker, call *ast.Call) *types.Type {
		t := c.Expr(call.Args[0])
		if t == nil {
			return nil
		}
		switch t.Kind {
		case types.Pointer:
			return types.PointerTo(t.Elem, user)
		case types.Int:
			return types.PointerTo(nil, user)
		}
		c.Errorf(call.Args[0], "%s() needs a pointer or an address, not %s", call.Name, t)
		return nil
	}
}

// ptRegsOffsets are the x86_64 struct pt_regs field offsets by name.
var ptRegsOffsets = map[string]int16{
	"r15": 0, "r14": 8, "r13": 16, "r12": 24, "bp": 32, "bx": 40, "r11": 48, "r10": 56,
	"r9": 64, "r8": 72, "ax": 80, "cx": 88, "dx": 96, "si": 104, "di": 112, "orig_ax": 120,
	"ip": 128, "cs": 136, "flags": 144, "sp": 152, "ss": 160,
}

func typeReg(c Checker, call *ast.Call) *types.Type {
	lit, ok := call.Args[0].(*ast.StringLit)
	if !ok {
		c.Errorf(call.Args[0], "reg() takes a literal register name")
		return nil
	}
	name := lit.Value
	if name == "pc" {
		name = "ip" // the architecture-neutral name bpftrace accepts
	}
	off, ok := ptRegsOffsets[name]
	if !ok {
		names := slices.Sorted(maps.Keys(ptRegsOffsets))
		c.Errorf(lit, "unknown register %q; x86_64 has %v", lit.Value, names)
		return nil
	}
	if probeOf(c).Context != provider.CtxRegs {
		c.Errorf(call, "reg() needs a probe whose context is the registers (kprobe, uprobe, usdt, profile), not %s", c.Provider())
		return nil
	}
	c.SetData(call, off)
	return types.Uint64
}

func genReg(g Gen, call *ast.Call) Value {
	v := g.NewValue(types.Uint64)
	r := g.Reg(v)
	g.LoadCtx(asm.R1)
	g.Emit(asm.LoadMem(r, asm.R1, g.Data(call).(int16), asm.DWord))
	return v
}
