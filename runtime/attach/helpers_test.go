package attach

import (
	"sonde/plan"

	"errors"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/rlimit"
	"golang.org/x/sys/unix"
)

func TestMain(m *testing.M) {
	_ = rlimit.RemoveMemlock() // needed before 5.11 only; harmless after
	os.Exit(m.Run())
}

// requireProvider skips unless we are root and the kernel has the provider.
func requireProvider(t testing.TB, provider string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("attaching probes needs root")
	}
	if err := Supported(provider); err != nil {
		t.Skip(err)
	}
}

// counter is a one-slot per-CPU array: the programs below add 1 to it.
type counter struct{ *ebpf.Map }

func newCounter(t *testing.T) counter {
	t.Helper()
	m, err := ebpf.NewMap(&ebpf.MapSpec{Type: ebpf.PerCPUArray, KeySize: 4, ValueSize: 8, MaxEntries: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return counter{m}
}

// perCPU returns the count on each possible CPU.
func (c counter) perCPU(t *testing.T) []uint64 {
	t.Helper()
	var vals []uint64
	if err := c.Lookup(uint32(0), &vals); err != nil {
		t.Fatal(err)
	}
	return vals
}

func (c counter) total(t *testing.T) uint64 {
	var n uint64
	for _, v := range c.perCPU(t) {
		n += v
	}
	return n
}

// anyTask makes counterInsns count every task.
const anyTask = 0

// counterInsns is `if (pid_tgid == want) map[0] += 1; return 0`, or without
// the condition when want is anyTask.
func counterInsns(c counter, want uint64) asm.Instructions {
	var ins asm.Instructions
	if want != anyTask {
		ins = append(ins,
			asm.FnGetCurrentPidTgid.Call(),
			asm.LoadImm(asm.R1, int64(want), asm.DWord),
			asm.JNE.Reg(asm.R0, asm.R1, "exit"),
		)
	}
	return append(ins,
		asm.Mov.Imm(asm.R1, 0),
		asm.StoreMem(asm.RFP, -4, asm.R1, asm.Word),
		asm.Mov.Reg(asm.R2, asm.RFP),
		asm.Add.Imm(asm.R2, -4),
		asm.LoadMapPtr(asm.R1, c.FD()),
		asm.FnMapLookupElem.Call(),
		asm.JEq.Imm(asm.R0, 0, "exit"),
		asm.Mov.Imm(asm.R1, 1),
		asm.StoreXAdd(asm.R0, asm.R1, asm.DWord),
		asm.Mov.Imm(asm.R0, 0).WithSymbol("exit"),
		asm.Return(),
	)
}

// tgidInsns counts in every thread of this process.
func tgidInsns(c counter) asm.Instructions {
	ins := asm.Instructions{
		asm.FnGetCurrentPidTgid.Call(),
		asm.RSh.Imm(asm.R0, 32),
		asm.LoadImm(asm.R1, int64(os.Getpid()), asm.DWord),
		asm.JNE.Reg(asm.R0, asm.R1, "exit"),
	}
	return append(ins, counterInsns(c, anyTask)...)
}

func load(t *testing.T, spec *ebpf.ProgramSpec) *ebpf.Program {
	t.Helper()
	if spec.License == "" {
		spec.License = "GPL"
	}
	prog, err := ebpf.NewProgram(spec)
	if err != nil {
		var ve *ebpf.VerifierError
		if errors.As(err, &ve) {
			t.Fatalf("load: %+v", ve)
		}
		t.Fatalf("load: %v", err)
	}
	t.Cleanup(func() { prog.Close() })
	return prog
}

func mustAttach(t *testing.T, p plan.Probe, prog *ebpf.Program) Link {
	t.Helper()
	l, err := Attach(p, prog)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// onThread runs f on a locked OS thread and passes it that thread's
// pid_tgid, so a program can count exactly the calls f makes.
func onThread(f func(pidTgid uint64)) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		f(uint64(os.Getpid())<<32 | uint64(unix.Gettid()))
	}()
	<-done
}

// openFDs counts this process's fds whose link target contains kind
// ("perf_event", "bpf-link"), to catch leaks.
func openFDs(t *testing.T, kind string) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range ents {
		target, err := os.Readlink("/proc/self/fd/" + e.Name())
		if err == nil && strings.Contains(target, kind) {
			n++
		}
	}
	return n
}
