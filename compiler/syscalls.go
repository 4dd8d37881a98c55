package compiler

import (
	"sonde/plan"

	"fmt"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
)

// Syscall tracepoints through one attachment.
//
// Each syscalls:sys_enter_X (sys_exit_X) event is a probe the kernel runs
// from the raw_syscalls:sys_enter (sys_exit) tracepoint, and its record has
// the raw record's layout: the syscall number at offset 8 (an int where
// the raw record has a long), the arguments as 8-byte fields from offset 16
// (the raw args[6]), or ret at 16. So a probe's program, unchanged, runs on
// the raw tracepoint's record. When a script probes many syscalls, one
// program on the raw tracepoint reads the number and jumps to the probe's
// body: two perf events to create and destroy instead of hundreds, each of
// which costs the kernel an RCU grace period or more under a global mutex.
//
// What stays per tracepoint, with the reason under -v: probes on a syscall
// that another probe of the script also traces (their order on the event
// is the kernel's), bodies with subprograms (callbacks), syscalls whose
// number or layout is not known, and sets too small to gain.

// SyscallNumbers is implemented by Facts that know the system call numbers
// of this machine's architecture.
type SyscallNumbers interface {
	// SyscallNr numbers the syscall of the syscalls:sys_enter_NAME and
	// sys_exit_NAME tracepoints.
	SyscallNr(name string) (int, bool)
}

// minDispatch is the smallest set of syscall probes dispatched from one
// program: the raw tracepoint runs for every syscall of every process, so
// a few probes are cheaper attached one by one.
const minDispatch = 16

// dispatchEnv forces the choice: "off" attaches every syscall tracepoint
// on its own, "on" dispatches any set, however small (to compare both).
const dispatchEnv = "SONDE_SYSCALL_DISPATCH"

// tsCompat is x86's thread_info status bit of a 32-bit (ia32) syscall:
// raw_syscalls fires for those with ia32 numbers, the syscalls events do
// not (the kernel ignores compat syscalls there).
const tsCompat = 0x0002

type syscallSide struct {
	prefix string // event name prefix: sys_enter_
	raw    string // raw_syscalls event
}

var syscallSides = []syscallSide{{"sys_enter_", "sys_enter"}, {"sys_exit_", "sys_exit"}}

// dispatchSyscalls replaces the programs of large sets of syscall
// tracepoint probes with one dispatching program per side.
func (c *compiler) dispatchSyscalls() {
	mode := c.opts.Env(dispatchEnv)
	insts := map[int]*instance{}
	for _, inst := range c.insts {
		insts[inst.p.ID] = inst
	}
	// Syscalls probed more than once keep their tracepoints.
	seen := map[string]int{}
	for _, p := range c.spec.Programs {
		if isSyscallProbe(p.Probe) {
			seen[p.Probe.Event]++
		}
	}
	for _, side := range syscallSides {
		var members []*plan.Program
		var kept []string
		for _, p := range c.spec.Programs {
			if !isSyscallProbe(p.Probe) || !strings.HasPrefix(p.Probe.Event, side.prefix) {
				continue
			}
			if why := c.undispatchable(p, insts[p.Probe.ID], side, seen); why != "" {
				kept = append(kept, p.Probe.Name+": "+why)
				continue
			}
			members = append(members, p)
		}
		if len(members) == 0 {
			continue
		}
		raw := "tracepoint:raw_syscalls:" + side.raw
		switch {
		case mode == "off":
			c.detail("%d syscall tracepoints attached one by one (%s=off)", len(members), dispatchEnv)
			continue
		case len(members) < minDispatch && mode != "on":
			// Not worth a note: the usual case of a few syscalls.
			continue
		}
		guard, why := c.compatGuard()
		if why != "" {
			c.detail("%d syscall tracepoints attached one by one, not dispatched from %s: %s", len(members), raw, why)
			continue
		}
		prog, why := c.dispatcher(side, members, guard)
		if why != "" {
			c.detail("%d syscall tracepoints attached one by one, not dispatched from %s: %s", len(members), raw, why)
			continue
		}
		c.replacePrograms(members, prog)
		c.detail("%d syscall tracepoints dispatched from one program on %s", len(members), raw)
		for _, k := range kept {
			c.detail("attached on its own, not dispatched from %s: %s", raw, k)
		}
	}
}

func (c *compiler) detail(format string, args ...any) {
	c.spec.Details = append(c.spec.Details, fmt.Sprintf(format, args...))
}

func isSyscallProbe(p plan.Probe) bool {
	return p.Provider == "tracepoint" && p.Group == "syscalls" && len(p.Symbols) == 0
}

// undispatchable says why a syscall probe's program cannot run from the
// raw tracepoint, or "".
func (c *compiler) undispatchable(p *plan.Program, inst *instance, side syscallSide, seen map[string]int) string {
	if inst == nil {
		return "no compiled probe"
	}
	if p.Spec.Type != ebpf.TracePoint {
		return "not a tracepoint program"
	}
	if seen[p.Probe.Event] > 1 {
		return "the syscall is probed more than once"
	}
	nums, ok := c.opts.Facts.(SyscallNumbers)
	if !ok {
		return "syscall numbers unknown"
	}
	if _, ok := nums.SyscallNr(strings.TrimPrefix(p.Probe.Event, side.prefix)); !ok {
		return "no syscall number for " + strings.TrimPrefix(p.Probe.Event, side.prefix)
	}
	if !rawLayout(inst.fields, side.prefix == "sys_exit_") {
		return "its record is not laid out as the raw tracepoint's"
	}
	for _, ins := range p.Spec.Instructions {
		if ins.IsFunctionCall() || ins.IsLoadOfFunctionPointer() {
			// x86's JIT allows tail calls into them, but with smaller
			// stack frames than sonde may have given them.
			return "its program has subprograms"
		}
	}
	return ""
}

// rawLayout checks a syscall event's fields against the raw record: the
// number at 8, then 8-byte arguments from 16 (or ret at 16).
func rawLayout(fields []TracepointField, exit bool) bool {
	if len(fields) == 0 || fields[0].Name != "__syscall_nr" || fields[0].Offset != 8 || fields[0].Size != 4 {
		return false
	}
	args := fields[1:]
	if exit && (len(args) != 1 || args[0].Name != "ret") {
		return false
	}
	if len(args) > 6 {
		return false
	}
	for i, f := range args {
		if f.Offset != 16+8*i || f.Size != 8 || f.DataLoc {
			return false
		}
	}
	return true
}

// compatGuard returns the offset of current->thread_info.status, whose
// TS_COMPAT bit marks the ia32 syscalls the dispatcher must skip, or why
// it cannot tell them apart.
func (c *compiler) compatGuard() (int32, string) {
	kt := c.opts.KernelTypes
	if kt == nil {
		return 0, "no kernel BTF to tell 32-bit syscalls apart"
	}
	task, err := kt.Type("struct task_struct")
	if err != nil {
		return 0, "no task_struct in BTF to tell 32-bit syscalls apart"
	}
	ti, err := kt.Field(task, "thread_info")
	if err != nil {
		return 0, "no task_struct.thread_info in BTF to tell 32-bit syscalls apart"
	}
	st, err := kt.Field(ti.Type, "status")
	if err != nil || st.Type == nil || st.Type.Size != 4 {
		return 0, "no thread_info.status in BTF to tell 32-bit syscalls apart"
	}
	return int32(ti.Offset + st.Offset), ""
}

// dispatcher builds the raw tracepoint program: skip ia32 syscalls, read
// the number, and tail-call the member program in that slot of a program
// array (the kernel's jump table: a bounds check and an indirect jump). The
// members are loaded as they are, each its own small program, and reached
// with ctx as their own tracepoint would hand it.
func (c *compiler) dispatcher(side syscallSide, members []*plan.Program, statusOff int32) (*plan.Program, string) {
	nums := c.opts.Facts.(SyscallNumbers)
	table := "sc_" + strings.TrimPrefix(side.raw, "sys_") // sc_enter, sc_exit
	tails := make([]plan.Tail, len(members))
	size := 0
	for i, p := range members {
		nr, _ := nums.SyscallNr(strings.TrimPrefix(p.Probe.Event, side.prefix))
		tails[i] = plan.Tail{Slot: uint32(nr), Program: p}
		size = max(size, nr+1)
	}
	const out = "dispatch_none"
	insns := asm.Instructions{
		asm.Mov.Reg(asm.R6, asm.R1).WithSymbol("dispatch_" + side.raw).
			WithSource(asm.Comment(fmt.Sprintf("dispatch %d syscall probes on raw_syscalls:%s", len(members), side.raw))),
		// if (current->thread_info.status & TS_COMPAT) return 0;
		asm.FnGetCurrentTask.Call(),
		asm.Mov.Reg(asm.R3, asm.R0),
		asm.Add.Imm(asm.R3, statusOff),
		asm.Mov.Reg(asm.R1, asm.RFP),
		asm.Add.Imm(asm.R1, -8),
		asm.Mov.Imm(asm.R2, 4),
		asm.FnProbeReadKernel.Call(),
		asm.LoadMem(asm.R0, asm.RFP, -8, asm.Word),
		asm.And.Imm(asm.R0, tsCompat),
		asm.JNE.Imm(asm.R0, 0, out),
		// tail_call(ctx, table, args->id): an empty slot falls through.
		asm.Mov.Reg(asm.R1, asm.R6),
		asm.LoadMapPtr(asm.R2, 0).WithReference(table),
		asm.LoadMem(asm.R3, asm.R6, 8, asm.DWord),
		asm.FnTailCall.Call(),
		asm.Mov.Imm(asm.R0, 0).WithSymbol(out),
		asm.Return(),
	}
	first := members[0]
	probe := plan.Probe{
		Provider: "tracepoint", Group: "raw_syscalls", Event: side.raw,
		Name: "tracepoint:raw_syscalls:" + side.raw, ID: first.Probe.ID,
	}
	spec := &ebpf.ProgramSpec{
		Name:         side.raw,
		Type:         first.Spec.Type,
		AttachType:   first.Spec.AttachType,
		License:      "GPL",
		Instructions: insns,
	}
	c.spec.Maps = append(c.spec.Maps, &ebpf.MapSpec{Name: table, Type: ebpf.ProgramArray, KeySize: 4, ValueSize: 4, MaxEntries: uint32(size)})
	return &plan.Program{Probe: probe, Spec: spec, Table: table, Tails: tails}, ""
}

// replacePrograms puts prog where the first member was and drops the rest.
func (c *compiler) replacePrograms(members []*plan.Program, prog *plan.Program) {
	drop := map[*plan.Program]bool{}
	for _, m := range members {
		drop[m] = true
	}
	out := c.spec.Programs[:0]
	placed := false
	for _, p := range c.spec.Programs {
		if !drop[p] {
			out = append(out, p)
			continue
		}
		if !placed {
			out = append(out, prog)
			placed = true
		}
	}
	c.spec.Programs = out
}
