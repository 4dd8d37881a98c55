package stdlib

import (
	"github.com/cilium/ebpf/asm"

	"sonde/lang/ast"
	"sonde/types"
)

// Values the kernel side stores as numbers or bytes and user space prints
// by name: error strings, syscall names, IP and MAC addresses.

var (
	errnoT   = &types.Type{Kind: types.Errno, Size: 8}
	syscallT = &types.Type{Kind: types.SyscallName, Size: 8}
	signalT  = &types.Type{Kind: types.SignalName, Size: 8}
	// inetT is [u32 family][pad][16-byte address], as runtime/output decodes it.
	inetT = &types.Type{Kind: types.Inet, Size: 24}
	macT  = &types.Type{Kind: types.Macaddr, Size: 8}
)

const (
	afInet  = 2
	afInet6 = 10
)

func init() {
	addFuncs(
		&Func{Name: "strerror", Min: 1, Max: 1,
			Doc:     "strerror(errno): the error's text, printed like glibc's strerror",
			Example: `tracepoint:syscalls:sys_exit_openat /args.ret < 0/ { @[strerror(-args.ret)] = count(); }`,
			Type:    retype(errnoT), Gen: genRetype},
		&Func{Name: "syscall_name", Min: 1, Max: 1,
			Doc:     "syscall_name(nr): the system call's name (x86_64 numbering)",
			Example: `BEGIN { printf("%s\n", syscall_name(59)); }`,
			Type:    retype(syscallT), Gen: genRetype},
		&Func{Name: "signal_name", Min: 1, Max: 1,
			Doc:     "signal_name(sig): the signal's name (SIGKILL)",
			Example: `tracepoint:signal:signal_generate { @[signal_name(args.sig)] = count(); }`,
			Type:    retype(signalT), Gen: genRetype},
		&Func{Name: "ntop", Min: 1, Max: 2,
			Doc:     "ntop([af,] addr): an IPv4 (integer or char[4]) or IPv6 (char[16]) address, printed as text",
			Example: `BEGIN { printf("%s %s\n", ntop(0x0100007f), ntop(10, pton("::1"))); }`,
			Type:    typeNtop, Gen: genNtop},
		&Func{Name: "pton", Min: 1, Max: 1,
			Doc:     `pton("addr"): an IPv4 or IPv6 address literal as char[4] or char[16], network order`,
			Example: `BEGIN { $a = pton("127.0.0.1"); printf("%s\n", ntop($a)); }`,
			Type:    typePton, Gen: genPton},
		&Func{Name: "macaddr", Min: 1, Max: 1,
			Doc:     "macaddr(char[6]): a MAC address, printed as AA:BB:CC:DD:EE:FF",
			Example: `BEGIN { printf("%s\n", macaddr(pton("::1"))); }`,
			Type:    typeMacaddr, Gen: genMacaddr},
	)
}

// retype types a one-integer-argument function whose value is the integer
// printed differently.
func retype(t *types.Type) func(Checker, *ast.Call) *types.Type {
	return func(c Checker, call *ast.Call) *types.Type {
		if c.IntArg(call, 0) == nil {
			return nil
		}
		return t
	}
}

func genRetype(g Gen, call *ast.Call) Value {
	return g.WithType(g.Expr(call.Args[0]), g.TypeOf(call))
}

func typeNtop(c Checker, call *ast.Call) *types.Type {
	addr := call.Args[len(call.Args)-1]
	if len(call.Args) == 2 && c.IntArg(call, 0) == nil {
		return nil
	}
	t := c.Expr(addr)
	if t == nil {
		return nil
	}
	switch {
	case t.IsInt():
	case t.Kind == types.Array && t.Elem.Size == 1 && (t.Len == 4 || t.Len == 16):
	default:
		c.Errorf(addr, "ntop() needs an integer, char[4] or char[16] address, not %s", t)
		return nil
	}
	return inetT
}

func genNtop(g Gen, call *ast.Call) Value {
	addrExpr := call.Args[len(call.Args)-1]
	at := g.TypeOf(addrExpr)
	s := g.Alloc(inetT.Size)
	g.Zero(s, inetT.Size)
	if len(call.Args) == 2 {
		af := g.Expr(call.Args[0])
		b, off := g.Base(s, asm.R5)
		g.Emit(asm.StoreMem(b, off, g.Reg(af), asm.Word))
		g.Free(af)
	} else {
		fam := int64(afInet)
		if at.Kind == types.Array && at.Len == 16 {
			fam = afInet6
		}
		b, off := g.Base(s, asm.R5)
		g.Emit(asm.StoreImm(b, off, fam, asm.Word))
	}
	v := g.Expr(addrExpr)
	if at.IsInt() {
		// An IPv4 address held in an integer is in network order in memory.
		g.Store(s.Plus(8), types.Uint32, v)
	} else {
		g.Copy(s.Plus(8), g.Mem(v), at.Len)
	}
	g.Free(v)
	return g.MemValue(inetT, s)
}

func typePton(c Checker, call *ast.Call) *types.Type {
	lit, ok := call.Args[0].(*ast.StringLit)
	if !ok {
		c.Errorf(call.Args[0], "pton() takes a literal address")
		return nil
	}
	ip, err := parseAddr(lit.Value)
	if err != nil {
		c.Errorf(lit, "pton(): %q is not an IPv4 or IPv6 address", lit.Value)
		return nil
	}
	c.SetData(call, ip)
	return types.ArrayOf(types.Uint8, len(ip))
}

func genPton(g Gen, call *ast.Call) Value {
	ip := g.Data(call).([]byte)
	t := g.TypeOf(call)
	s := g.Alloc(t.Size)
	g.Zero(s, t.Size)
	b, off := g.Base(s, asm.R5)
	for i, x := range ip {
		if x != 0 {
			g.Emit(asm.StoreImm(b, off+int16(i), int64(x), asm.Byte))
		}
	}
	return g.MemValue(t, s)
}

func typeMacaddr(c Checker, call *ast.Call) *types.Type {
	t := c.Expr(call.Args[0])
	if t == nil {
		return nil
	}
	if t.Kind == types.Array && t.Elem.Size == 1 && t.Len >= 6 || t.Kind == types.Pointer {
		return macT
	}
	c.Errorf(call.Args[0], "macaddr() needs a char[6] array or a pointer to one, not %s", t)
	return nil
}

func genMacaddr(g Gen, call *ast.Call) Value {
	at := g.TypeOf(call.Args[0])
	v := g.Expr(call.Args[0])
	s := g.Alloc(macT.Size)
	g.Zero(s, macT.Size)
	if at.Kind == types.Array {
		g.Copy(s, g.Mem(v), 6)
	} else {
		read := asm.FnProbeReadKernel
		if g.UserSpace(at) {
			read = asm.FnProbeReadUser
		}
		g.Emit(asm.Mov.Reg(asm.R3, g.Reg(v)))
		g.Addr(asm.R1, s)
		g.Emit(asm.Mov.Imm(asm.R2, 6), read.Call())
	}
	g.Free(v)
	return g.MemValue(macT, s)
}
