package attach

import (
	"sonde/plan"

	"errors"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"
)

const getpidCalls = 1000

func TestTracepoint(t *testing.T) {
	requireProvider(t, "tracepoint")
	onThread(func(self uint64) {
		c := newCounter(t)
		prog := load(t, &ebpf.ProgramSpec{Type: ebpf.TracePoint, Instructions: counterInsns(c, self)})
		mustAttach(t, plan.Probe{Provider: "tracepoint", Group: "syscalls", Event: "sys_enter_getpid"}, prog)
		for range getpidCalls {
			unix.Getpid()
		}
		if n := c.total(t); n != getpidCalls {
			t.Errorf("count = %d, want %d", n, getpidCalls)
		}
	})
}

func TestTracepointMissing(t *testing.T) {
	requireProvider(t, "tracepoint")
	c := newCounter(t)
	prog := load(t, &ebpf.ProgramSpec{Type: ebpf.TracePoint, Instructions: counterInsns(c, anyTask)})
	p := plan.Probe{Provider: "tracepoint", Name: "tracepoint:syscalls:sys_enter_nope", Group: "syscalls", Event: "sys_enter_nope"}
	_, err := Attach(p, prog)
	if err == nil || !strings.HasPrefix(err.Error(), "attach tracepoint:syscalls:sys_enter_nope: ") {
		t.Fatalf("err = %v, want it to name the probe", err)
	}
	t.Log(err)
}

// tp_btf on sys_enter, counting this thread's syscalls: the getpid calls
// and perhaps a few from the Go runtime.
func TestRawTracepointBTF(t *testing.T) {
	requireProvider(t, "rawtracepoint")
	if _, err := os.Stat("/sys/kernel/btf/vmlinux"); err != nil {
		t.Skip("tp_btf needs kernel BTF")
	}
	testRawTracepoint(t, ebpf.Tracing)
}

func TestRawTracepointPlain(t *testing.T) {
	requireProvider(t, "rawtracepoint")
	testRawTracepoint(t, ebpf.RawTracepoint)
}

func testRawTracepoint(t *testing.T, pt ebpf.ProgramType) {
	onThread(func(self uint64) {
		c := newCounter(t)
		spec := &ebpf.ProgramSpec{Type: pt, Instructions: counterInsns(c, self)}
		if pt == ebpf.Tracing {
			spec.AttachType, spec.AttachTo = ebpf.AttachTraceRawTp, "sys_enter"
		}
		prog := load(t, spec)
		mustAttach(t, plan.Probe{Provider: "rawtracepoint", Event: "sys_enter"}, prog)
		for range getpidCalls {
			unix.Getpid()
		}
		if n := c.total(t); n < getpidCalls || n > getpidCalls+50 {
			t.Errorf("count = %d, want %d (or a few more)", n, getpidCalls)
		}
	})
}

func TestProfile(t *testing.T) {
	requireProvider(t, "profile")
	c := newCounter(t)
	prog := load(t, &ebpf.ProgramSpec{Type: ebpf.PerfEvent, Instructions: counterInsns(c, anyTask)})
	p := plan.Probe{Provider: "profile", Name: "profile:hz:997",
		PerfType: unix.PERF_TYPE_SOFTWARE, PerfConfig: unix.PERF_COUNT_SW_CPU_CLOCK, Freq: 997, AllCPUs: true}
	l := mustAttach(t, p, prog)
	cpus, err := OnlineCPUs()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(l.(*perfLink).events); n != len(cpus) {
		t.Errorf("%d perf events for %d cpus", n, len(cpus))
	}
	// Idle CPUs of a VM may see no ticks at all: keep every CPU busy.
	busyCPUs(t, cpus, 200*time.Millisecond)
	counts := c.perCPU(t)
	for _, cpu := range cpus {
		if counts[cpu] == 0 {
			t.Errorf("cpu %d: no samples (all: %v)", cpu, counts)
		}
	}
	t.Logf("samples per cpu after 200ms at 997 Hz: %v", counts)
}

// busyCPUs spins on each of cpus for d.
func busyCPUs(t *testing.T, cpus []int, d time.Duration) {
	var wg sync.WaitGroup
	deadline := time.Now().Add(d)
	for _, cpu := range cpus {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			var set unix.CPUSet
			set.Set(cpu)
			if err := unix.SchedSetaffinity(0, &set); err != nil {
				t.Errorf("pin to cpu %d: %v", cpu, err)
				return
			}
			for time.Now().Before(deadline) {
			}
		}()
	}
	wg.Wait()
}

func TestInterval(t *testing.T) {
	requireProvider(t, "interval")
	c := newCounter(t)
	prog := load(t, &ebpf.ProgramSpec{Type: ebpf.PerfEvent, Instructions: counterInsns(c, anyTask)})
	// interval:hz:100 (the period in ns, as for interval:ms:10).
	p := plan.Probe{Provider: "interval", Name: "interval:hz:100",
		PerfType: unix.PERF_TYPE_SOFTWARE, PerfConfig: unix.PERF_COUNT_SW_CPU_CLOCK, Period: 10_000_000}
	start := time.Now()
	l := mustAttach(t, p, prog)
	time.Sleep(300 * time.Millisecond)
	n := c.total(t)
	elapsed := time.Since(start)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	// A timer never fires early, but a loaded machine can delay it: bound
	// the count from above only.
	most := uint64(elapsed/(10*time.Millisecond)) + 2
	if n == 0 || n > most {
		t.Errorf("fired %d times in %v, want 1 to %d", n, elapsed, most)
	}
	cpus, _ := OnlineCPUs()
	counts := c.perCPU(t)
	if counts[cpus[0]] != n {
		t.Errorf("fires per cpu %v: want all on cpu %d", counts, cpus[0])
	}
}

// software:page-faults:1 counts each fault of pages we touch for the
// first time.
func TestSoftwarePageFaults(t *testing.T) {
	requireProvider(t, "software")
	c := newCounter(t)
	prog := load(t, &ebpf.ProgramSpec{Type: ebpf.PerfEvent, Instructions: tgidInsns(c)})
	p := plan.Probe{Provider: "software", Name: "software:page-faults:1",
		PerfType: unix.PERF_TYPE_SOFTWARE, PerfConfig: unix.PERF_COUNT_SW_PAGE_FAULTS, Period: 1, AllCPUs: true}
	mustAttach(t, p, prog)

	const pages = 64
	size := pages * os.Getpagesize()
	mem, err := unix.Mmap(-1, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(mem)
	for i := 0; i < size; i += os.Getpagesize() {
		mem[i] = 1
	}
	if n := c.total(t); n < pages {
		t.Errorf("counted %d page faults, want at least %d", n, pages)
	}
}

func TestPerfNeedsPeriod(t *testing.T) {
	requireProvider(t, "software")
	c := newCounter(t)
	prog := load(t, &ebpf.ProgramSpec{Type: ebpf.PerfEvent, Instructions: counterInsns(c, anyTask)})
	_, err := Attach(plan.Probe{Provider: "software", Name: "software:cpu-clock:0"}, prog)
	if err == nil || !strings.Contains(err.Error(), "period") {
		t.Errorf("err = %v, want a missing-period error", err)
	}
}

// A failure on the second CPU closes the first CPU's event and link.
func TestPerfFailureHalfWay(t *testing.T) {
	requireProvider(t, "profile")
	c := newCounter(t)
	prog := load(t, &ebpf.ProgramSpec{Type: ebpf.PerfEvent, Instructions: counterInsns(c, anyTask)})

	before, beforeLinks := openFDs(t, "perf_event"), openFDs(t, "bpf_link")
	calls := 0
	perfEventOpen = func(attr *unix.PerfEventAttr, pid, cpu, group int, flags int) (int, error) {
		if calls++; calls == 2 {
			return -1, unix.EMFILE
		}
		return unix.PerfEventOpen(attr, pid, cpu, group, flags)
	}
	defer func() { perfEventOpen = unix.PerfEventOpen }()

	// Pretend to have two CPUs even on one, so the second open happens.
	p := plan.Probe{Provider: "profile", Name: "profile:hz:99", Freq: 99}
	_, err := attachPerfOn(p, prog, []int{0, 0})
	if !errors.Is(err, unix.EMFILE) {
		t.Fatalf("err = %v, want EMFILE from the second cpu", err)
	}
	if after := openFDs(t, "perf_event"); after != before {
		t.Errorf("perf event fds: %d before, %d after the failed attach", before, after)
	}
	if after := openFDs(t, "bpf_link"); after != beforeLinks {
		t.Errorf("bpf link fds: %d before, %d after the failed attach", beforeLinks, after)
	}
}

// A program of the wrong type fails to attach and leaks nothing.
func TestPerfWrongProgram(t *testing.T) {
	requireProvider(t, "profile")
	c := newCounter(t)
	prog := load(t, &ebpf.ProgramSpec{Type: ebpf.TracePoint, Instructions: counterInsns(c, anyTask)})
	before := openFDs(t, "perf_event")
	_, err := Attach(plan.Probe{Provider: "profile", Name: "profile:hz:99", Freq: 99}, prog)
	if err == nil {
		t.Fatal("attached a tracepoint program to a perf event")
	}
	if after := openFDs(t, "perf_event"); after != before {
		t.Errorf("perf event fds: %d before, %d after", before, after)
	}
}

func TestIter(t *testing.T) {
	requireProvider(t, "iter")
	// For each task: seq_write(meta->seq, "task\n", 5).
	prog := load(t, &ebpf.ProgramSpec{
		Type: ebpf.Tracing, AttachType: ebpf.AttachTraceIter, AttachTo: "task",
		Instructions: asm.Instructions{
			asm.LoadMem(asm.R6, asm.R1, 0, asm.DWord), // ctx->meta
			asm.LoadMem(asm.R7, asm.R1, 8, asm.DWord), // ctx->task
			asm.JEq.Imm(asm.R7, 0, "exit"),
			asm.LoadMem(asm.R1, asm.R6, 0, asm.DWord), // meta->seq
			asm.Mov.Imm(asm.R2, 0x6b736174),           // "task"
			asm.StoreMem(asm.RFP, -8, asm.R2, asm.Word),
			asm.Mov.Imm(asm.R2, '\n'),
			asm.StoreMem(asm.RFP, -4, asm.R2, asm.Word),
			asm.Mov.Reg(asm.R2, asm.RFP),
			asm.Add.Imm(asm.R2, -8),
			asm.Mov.Imm(asm.R3, 5),
			asm.FnSeqWrite.Call(),
			asm.Mov.Imm(asm.R0, 0).WithSymbol("exit"),
			asm.Return(),
		},
	})
	l := mustAttach(t, plan.Probe{Provider: "iter", Name: "iter:task", Event: "task"}, prog)
	r, err := ReadIter(l)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Count(string(out), "task\n")
	if lines < 2 || lines*5 != len(out) {
		t.Errorf("iterator printed %d bytes, %d tasks: %q...", len(out), lines, out[:min(len(out), 40)])
	}

	if _, err := ReadIter(&perfLink{}); err == nil {
		t.Error("ReadIter accepted a perf link")
	}
}

func TestBeginEndNotAttached(t *testing.T) {
	for _, prov := range []string{"begin", "end"} {
		_, err := Attach(plan.Probe{Provider: prov, Name: strings.ToUpper(prov)}, &ebpf.Program{})
		if err == nil || !strings.Contains(err.Error(), "BPF_PROG_TEST_RUN") {
			t.Errorf("%s: err = %v", prov, err)
		}
	}
	_, err := Attach(plan.Probe{Provider: "nope", Name: "nope:x"}, &ebpf.Program{})
	if err == nil || !strings.Contains(err.Error(), `unknown probe type "nope"`) {
		t.Errorf("unknown provider: err = %v", err)
	}
}

// CloseAll detaches everything: no link of ours remains in the kernel and
// no perf event fd stays open.
func TestCloseAll(t *testing.T) {
	requireProvider(t, "tracepoint")
	requireProvider(t, "profile")
	c := newCounter(t)
	tp := load(t, &ebpf.ProgramSpec{Type: ebpf.TracePoint, Instructions: counterInsns(c, anyTask)})
	pe := load(t, &ebpf.ProgramSpec{Type: ebpf.PerfEvent, Instructions: counterInsns(c, anyTask)})
	ours := map[ebpf.ProgramID]bool{}
	for _, prog := range []*ebpf.Program{tp, pe} {
		info, err := prog.Info()
		if err != nil {
			t.Fatal(err)
		}
		id, _ := info.ID()
		ours[id] = true
	}
	perfBefore := openFDs(t, "perf_event")

	var links []Link
	for _, ev := range []string{"sys_enter_getppid", "sys_exit_getppid", "sys_enter_getpgid"} {
		l, err := Attach(plan.Probe{Provider: "tracepoint", Group: "syscalls", Event: ev}, tp)
		if err != nil {
			t.Fatal(err)
		}
		links = append(links, l)
	}
	l, err := Attach(plan.Probe{Provider: "profile", Freq: 99}, pe)
	if err != nil {
		t.Fatal(err)
	}
	links = append(links, l, nil) // nil entries are skipped
	if n := kernelLinks(t, ours); n == 0 {
		t.Fatal("no links of ours in the kernel after attaching")
	}

	if err := CloseAll(links); err != nil {
		t.Fatal(err)
	}
	if n := kernelLinks(t, ours); n != 0 {
		t.Errorf("%d links of ours left after CloseAll", n)
	}
	if after := openFDs(t, "perf_event"); after != perfBefore {
		t.Errorf("perf event fds: %d before, %d after CloseAll", perfBefore, after)
	}
}

// kernelLinks counts the kernel's links that run one of our programs.
func kernelLinks(t *testing.T, ours map[ebpf.ProgramID]bool) int {
	t.Helper()
	it := new(link.Iterator)
	defer it.Close()
	n := 0
	for it.Next() {
		l := it.Take()
		info, err := l.Info()
		if err == nil && ours[info.Program] {
			n++
		}
		l.Close()
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCloseAllErrors(t *testing.T) {
	boom := errors.New("boom")
	err := CloseAll([]Link{closer{}, closer{boom}, closer{}, closer{boom}})
	if !errors.Is(err, boom) || strings.Count(err.Error(), "boom") != 2 {
		t.Errorf("err = %v, want both failures joined", err)
	}
	if err := CloseAll(nil); err != nil {
		t.Errorf("CloseAll(nil) = %v", err)
	}
}

type closer struct{ err error }

func (c closer) Close() error { return c.err }

func TestParseCPUList(t *testing.T) {
	tests := []struct {
		in   string
		want []int
	}{
		{"0\n", []int{0}},
		{"0-1\n", []int{0, 1}},
		{"0-2,4,6-7", []int{0, 1, 2, 4, 6, 7}},
	}
	for _, tt := range tests {
		got, err := parseCPUList(tt.in)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("parseCPUList(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "x", "3-1", "1-x"} {
		if got, err := parseCPUList(bad); err == nil {
			t.Errorf("parseCPUList(%q) = %v, want error", bad, got)
		}
	}
}

// Detach stops the program at once and hands back the tracepoint's perf
// event, still open, for the slow part of the teardown.
func TestDetachTracepoint(t *testing.T) {
	requireProvider(t, "tracepoint")
	onThread(func(self uint64) {
		c := newCounter(t)
		prog := load(t, &ebpf.ProgramSpec{Type: ebpf.TracePoint, Instructions: counterInsns(c, self)})
		l, err := Attach(plan.Probe{Provider: "tracepoint", Group: "syscalls", Event: "sys_enter_getpid"}, prog)
		if err != nil {
			t.Fatal(err)
		}
		unix.Getpid()
		events, err := Detach([]Link{l, nil})
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 1 {
			t.Fatalf("Detach returned %d perf events, want 1", len(events))
		}
		for range getpidCalls {
			unix.Getpid()
		}
		if n := c.total(t); n != 1 {
			t.Errorf("count = %d after Detach, want 1", n)
		}
		if err := CloseFiles(events); err != nil {
			t.Error(err)
		}
	})
}
