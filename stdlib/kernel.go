package stdlib

import (
	"github.com/cilium/ebpf/asm"

	"sonde/lang/ast"
	"sonde/types"
)

// Kernel symbols, signals and byte order.

func init() {
	addFuncs(
		&Func{Name: "ksym", Example: `BEGIN { printf("%s\n", ksym(kaddr("vfs_read"))); }`, Doc: "ksym(addr): the kernel symbol at addr, printed by name", Min: 1, Max: 1,
			Type: func(c Checker, call *ast.Call) *types.Type {
				c.IntArg(call, 0)
				return types.KSymT
			},
			Gen: func(g Gen, call *ast.Call) Value {
				return g.WithType(g.Expr(call.Args[0]), types.KSymT)
			}},
		&Func{Name: "kaddr", Example: `BEGIN { @ = kaddr("vfs_read"); }`, Doc: `kaddr("sym"): the address of a kernel symbol`, Min: 1, Max: 1, Type: typeKaddr,
			Gen: func(g Gen, call *ast.Call) Value {
				return g.Imm(types.Uint64, int64(g.Data(call).(uint64)))
			}},
		&Func{Name: "signal", Example: `BEGIN { signal("SIGUSR1"); signal(10); }`, Doc: "signal(sig): send a signal (name or number) to the current process", Min: 1, Max: 1, Unsafe: true,
			Type: typeSignal, Gen: genSignal(asm.FnSendSignal)},
		&Func{Name: "signal_thread", Example: `BEGIN { signal_thread("SIGUSR1"); }`, Doc: "signal_thread(sig): send a signal (name or number) to the current thread", Min: 1, Max: 1, Unsafe: true,
			Type: typeSignal, Gen: genSignal(asm.FnSendSignalThread)},
		&Func{Name: "bswap", Example: `BEGIN { @ = bswap((uint16)1); }`, Doc: "bswap(n): reverse the byte order of an integer", Min: 1, Max: 1,
			Type: func(c Checker, call *ast.Call) *types.Type {
				t := c.IntArg(call, 0)
				if t == nil {
					return nil
				}
				return types.IntType(t.Size, false)
			},
			Gen: func(g Gen, call *ast.Call) Value {
				// The width is the checked result's: a variable's value may be
				// held in a wider slot than its type.
				v := g.Expr(call.Args[0])
				t := g.TypeOf(call)
				switch t.Size {
				case 1: // one byte has no order to reverse; BPF has no 8-bit swap
					g.Emit(asm.And.Imm(g.Reg(v), 0xff))
				default:
					g.Emit(asm.HostTo(asm.BE, g.Reg(v), AccessSize(t.Size)))
				}
				return g.WithType(v, t)
			}},
	)
}

// AccessSize is the load/store size for an n-byte integer.
func AccessSize(n int) asm.Size {
	switch n {
	case 1:
		return asm.Byte
	case 2:
		return asm.Half
	case 4:
		return asm.Word
	}
	return asm.DWord
}

func typeKaddr(c Checker, call *ast.Call) *types.Type {
	lit, ok := call.Args[0].(*ast.StringLit)
	if !ok {
		c.Errorf(call.Args[0], "kaddr() takes a literal symbol name")
		return nil
	}
	addr, found, available := c.KernelAddr(lit.Value)
	switch {
	case !available:
		c.Errorf(call, "kernel symbols are not available")
		return nil
	case !found:
		c.Errorf(lit, "unknown kernel symbol %s", lit.Value)
		return nil
	}
	c.SetData(call, addr)
	return types.Uint64
}

// SignalNumbers are the signals signal() accepts by name.
var SignalNumbers = map[string]int{
	"SIGHUP": 1, "SIGINT": 2, "SIGQUIT": 3, "SIGILL": 4, "SIGTRAP": 5, "SIGABRT": 6, "SIGBUS": 7,
	"SIGFPE": 8, "SIGKILL": 9, "SIGUSR1": 10, "SIGSEGV": 11, "SIGUSR2": 12, "SIGPIPE": 13,
	"SIGALRM": 14, "SIGTERM": 15, "SIGCHLD": 17, "SIGCONT": 18, "SIGSTOP": 19, "SIGTSTP": 20,
}

func typeSignal(c Checker, call *ast.Call) *types.Type {
	switch a := call.Args[0].(type) {
	case *ast.StringLit:
		if _, ok := SignalNumbers[a.Value]; !ok {
			c.Errorf(a, "unknown signal %s", a.Value)
		}
	default:
		c.IntArg(call, 0)
	}
	return types.VoidT
}

// genSignal sends the signal with fn: bpf_send_signal (the process) or
// bpf_send_signal_thread (the thread).
func genSignal(fn asm.BuiltinFunc) func(g Gen, call *ast.Call) Value {
	return func(g Gen, call *ast.Call) Value {
		if lit, ok := call.Args[0].(*ast.StringLit); ok {
			g.Emit(asm.Mov.Imm(asm.R1, int32(SignalNumbers[lit.Value])))
		} else {
			v := g.Expr(call.Args[0])
			g.Emit(asm.Mov.Reg(asm.R1, g.Reg(v)))
			g.Free(v)
		}
		g.Emit(fn.Call())
		return void
	}
}

// UnsafeUnsupported are bpftrace's unsafe functions sonde does not
// provide, with why: they are refused as unsafe first, as bpftrace does,
// so a script never learns it could run them by merely adding --unsafe.
var UnsafeUnsupported = map[string]string{
	"override":   "override() (kprobe error injection) is not supported by sonde",
	"write_user": "write_user() (bpf_probe_write_user) is not supported by sonde",
}
