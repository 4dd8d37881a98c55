package stdlib

import (
	"github.com/cilium/ebpf/asm"

	"sonde/lang/ast"
	"sonde/types"
)

// x86_64 struct pt_regs offsets of the argument and return registers.
var (
	PtRegsArgs = []int16{112, 104, 96, 88, 72, 64}
	PtRegsAX   = int16(80)
)

func fixed(t *types.Type) func(Checker, *ast.Ident) *types.Type {
	return func(Checker, *ast.Ident) *types.Type { return t }
}

// helperValue calls a helper with no arguments and post-processes R0 with
// post, whose destination is set to the result register.
func helperValue(fn asm.BuiltinFunc, post ...asm.Instruction) func(Gen, *types.Type) Value {
	return func(g Gen, t *types.Type) Value {
		g.Emit(fn.Call())
		v := g.NewValue(t)
		r := g.Reg(v)
		g.Emit(asm.Mov.Reg(r, asm.R0))
		for _, p := range post {
			p.Dst = r
			g.Emit(p)
		}
		return v
	}
}

func init() {
	addVars(
		&Var{Name: "pid", Example: `BEGIN { @ = pid; }`, Doc: "process id (tgid) of the current task",
			Type: fixed(types.Uint32), Gen: helperValue(asm.FnGetCurrentPidTgid, asm.RSh.Imm(0, 32))},
		&Var{Name: "tid", Example: `BEGIN { @ = tid; }`, Doc: "thread id of the current task",
			Type: fixed(types.Uint32), Gen: helperValue(asm.FnGetCurrentPidTgid, asm.Mov.Reg32(0, 0))},
		&Var{Name: "uid", Example: `BEGIN { @ = uid; }`, Doc: "user id of the current task",
			Type: fixed(types.Uint64), Gen: helperValue(asm.FnGetCurrentUidGid, asm.Mov.Reg32(0, 0))},
		&Var{Name: "gid", Example: `BEGIN { @ = gid; }`, Doc: "group id of the current task",
			Type: fixed(types.Uint64), Gen: helperValue(asm.FnGetCurrentUidGid, asm.RSh.Imm(0, 32))},
		&Var{Name: "cpu", Example: `BEGIN { @[cpu] = count(); }`, Doc: "the CPU the probe runs on",
			Type: fixed(types.Uint32), Gen: helperValue(asm.FnGetSmpProcessorId)},
		&Var{Name: "cgroup", Example: `BEGIN { @ = cgroup; }`, Doc: "cgroup v2 id of the current task",
			Type: fixed(types.Uint64), Gen: helperValue(asm.FnGetCurrentCgroupId)},
		&Var{Name: "rand", Example: `BEGIN { @ = rand % 10; }`, Doc: "a pseudo-random 32-bit number",
			Type: fixed(types.Uint32), Gen: helperValue(asm.FnGetPrandomU32)},
		&Var{Name: "jiffies", Example: `BEGIN { @ = jiffies; }`, Doc: "the kernel's jiffies counter",
			Type: fixed(types.Uint64), Gen: helperValue(asm.FnJiffies64)},
		&Var{Name: "numaid", Example: `BEGIN { @ = numaid; }`, Doc: "NUMA node of the current CPU",
			Type: fixed(types.Uint32), Gen: helperValue(asm.FnGetNumaNodeId)},
		&Var{Name: "username", Example: `BEGIN { @[username] = count(); }`, Doc: "user name of the current task (printed from uid)",
			Type: fixed(&types.Type{Kind: types.Username, Size: 8}), Gen: helperValue(asm.FnGetCurrentUidGid, asm.Mov.Reg32(0, 0))},
		&Var{Name: "ncpus", Example: `BEGIN { printf("%d\n", ncpus); }`, Doc: "number of online CPUs",
			Type: fixed(types.Uint64), Gen: func(g Gen, t *types.Type) Value {
				return g.Imm(t, int64(g.NumCPUs()))
			}},
		&Var{Name: "comm", Example: `BEGIN { @[comm] = count(); }`, Doc: "name of the current task",
			Type: fixed(types.StringType(16)), Gen: func(g Gen, t *types.Type) Value {
				s := g.Alloc(16)
				// Before 6.x, get_current_comm leaves the bytes after the
				// NUL as they were (strscpy without padding): zero them,
				// or equal comms make different map keys.
				g.Zero(s, 16)
				g.Addr(asm.R1, s)
				g.Emit(asm.Mov.Imm(asm.R2, 16), asm.FnGetCurrentComm.Call())
				return g.MemValue(t, s)
			}},
		&Var{Name: "elapsed", Example: `interval:s:1 { @ = elapsed / 1000000; }`, Doc: "nanoseconds since sonde started",
			Type: fixed(types.Uint64), Gen: func(g Gen, t *types.Type) Value {
				v := helperValue(asm.FnKtimeGetBootNs)(g, t)
				g.Global(GlobalStartTime)
				g.Emit(asm.Sub.Reg(g.Reg(v), asm.R0))
				return v
			}},
		&Var{Name: "cpid", Example: `BEGIN { @ = cpid; }`, Doc: "pid of the child started with -c",
			Type: fixed(types.Uint32), Gen: func(g Gen, t *types.Type) Value {
				g.Global(GlobalCpid)
				v := g.NewValue(t)
				g.Emit(asm.Mov.Reg(g.Reg(v), asm.R0))
				return v
			}},
		&Var{Name: "probe", Example: `BEGIN { @[probe] = count(); }`, Doc: "the full name of the probe that fired",
			Type: fixed(types.ProbeT), Gen: func(g Gen, t *types.Type) Value {
				return g.Imm(t, int64(g.ProbeID()))
			}},
		&Var{Name: "ctx", Example: `iter:task { printf("%s\n", ctx->task->comm); }`,
			Doc: "the probe's context: struct bpf_iter__NAME * in iter probes, struct pt_regs * where the context is the registers",
			Type: func(c Checker, id *ast.Ident) *types.Type {
				t, err := c.CtxType()
				if err != nil {
					c.Errorf(id, "%v", err)
					return nil
				}
				return t
			},
			Gen: func(g Gen, t *types.Type) Value {
				v := g.NewValue(t)
				g.LoadCtx(g.Reg(v))
				return v
			}},
		&Var{Name: "curtask", Example: `BEGIN { @ = curtask; }`, Doc: "the current task_struct",
			Type: func(c Checker, _ *ast.Ident) *types.Type { return c.TaskType() },
			Gen:  helperValue(asm.FnGetCurrentTask)},
		&Var{Name: "retval", Example: `uretprobe:/bin/sh:main { @ = retval; }`,
			Doc:  "return value of the traced function (kretprobe, fexit: typed from BTF; uretprobe)",
			Type: Checker.RetvalType, Gen: Gen.Retval},
		&Var{Name: "func", Example: `fentry:vfs_read { @[func] = count(); }`,
			Doc:  "the traced function: kernel (kprobe, kretprobe, fentry, fexit), printed by name, or user (uprobe, uretprobe)",
			Type: Checker.FuncType, Gen: Gen.FuncIP},
		&Var{Name: "pcomm", Example: `tracepoint:syscalls:sys_enter_execve { @[pcomm, comm] = count(); }`, Doc: "name of the current task's parent",
			Type: func(c Checker, id *ast.Ident) *types.Type {
				if !c.HasBTF() {
					c.Errorf(id, "pcomm needs kernel BTF")
					return nil
				}
				return types.StringType(16)
			},
			Gen: func(g Gen, t *types.Type) Value {
				return g.TaskPath(t, "real_parent", "comm")
			}},
		&Var{Name: "ppid", Example: `BEGIN { @ = ppid; }`, Doc: "process id of the current task's parent",
			Type: func(c Checker, id *ast.Ident) *types.Type {
				if !c.HasBTF() {
					c.Errorf(id, "ppid needs kernel BTF")
					return nil
				}
				return types.Uint32
			},
			Gen: func(g Gen, t *types.Type) Value {
				return g.TaskPath(t, "real_parent", "tgid")
			}},
	)
}
