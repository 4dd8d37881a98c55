package attach

import (
	"sonde/plan"

	"os"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"
)

// These probe types are missing on the development kernel (no
// CONFIG_KPROBES, fentry refused, no PMU); the tests skip there with
// Supported's reason and run for real under QEMU with a stock kernel.

const (
	kprobeFunc = "do_sys_openat2" // every open(2)/openat(2) goes through it
	fentryFunc = "vfs_read"       // global, in vmlinux BTF everywhere
	opens      = 20
)

// openOnThread makes opens openat calls on a locked thread and returns its
// pid_tgid.
func openOnThread(t *testing.T, f func(self uint64)) {
	onThread(func(self uint64) {
		f(self)
		for range opens {
			fd, err := unix.Open("/proc/self/stat", unix.O_RDONLY, 0)
			if err != nil {
				t.Error(err)
				return
			}
			var buf [64]byte
			unix.Read(fd, buf[:])
			unix.Close(fd)
		}
	})
}

func TestKprobe(t *testing.T) {
	for _, prov := range []string{"kprobe", "kretprobe"} {
		t.Run(prov, func(t *testing.T) {
			requireProvider(t, prov)
			c := newCounter(t)
			var prog *ebpf.Program
			openOnThread(t, func(self uint64) {
				prog = load(t, &ebpf.ProgramSpec{Type: ebpf.Kprobe, Instructions: counterInsns(c, self)})
				mustAttach(t, plan.Probe{Provider: prov, Name: prov + ":" + kprobeFunc, Event: kprobeFunc}, prog)
			})
			if n := c.total(t); n != opens {
				t.Errorf("count = %d, want %d", n, opens)
			}
		})
	}
}

func TestKprobeMulti(t *testing.T) {
	requireProvider(t, "kprobe")
	requireProvider(t, "kprobe_multi")
	for _, ret := range []bool{false, true} {
		c := newCounter(t)
		openOnThread(t, func(self uint64) {
			prog := load(t, &ebpf.ProgramSpec{Type: ebpf.Kprobe, AttachType: ebpf.AttachTraceKprobeMulti, Instructions: counterInsns(c, self)})
			l, err := AttachKprobeMulti([]string{kprobeFunc}, prog, ret)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { l.Close() })
		})
		if n := c.total(t); n != opens {
			t.Errorf("ret=%v: count = %d, want %d", ret, n, opens)
		}
	}
}

func TestFentry(t *testing.T) {
	for _, prov := range []string{"fentry", "fexit"} {
		t.Run(prov, func(t *testing.T) {
			requireProvider(t, prov)
			at := ebpf.AttachTraceFEntry
			if prov == "fexit" {
				at = ebpf.AttachTraceFExit
			}
			c := newCounter(t)
			openOnThread(t, func(self uint64) {
				prog := load(t, &ebpf.ProgramSpec{Type: ebpf.Tracing, AttachType: at, AttachTo: fentryFunc, Instructions: counterInsns(c, self)})
				mustAttach(t, plan.Probe{Provider: prov, Name: prov + ":" + fentryFunc, Event: fentryFunc}, prog)
			})
			if n := c.total(t); n != opens { // one read per open
				t.Errorf("count = %d, want %d", n, opens)
			}
		})
	}
}

func TestHardware(t *testing.T) {
	requireProvider(t, "hardware")
	c := newCounter(t)
	prog := load(t, &ebpf.ProgramSpec{Type: ebpf.PerfEvent, Instructions: counterInsns(c, anyTask)})
	mustAttach(t, plan.Probe{Provider: "hardware", Name: "hardware:cpu-cycles:100000",
		PerfType: unix.PERF_TYPE_HARDWARE, PerfConfig: unix.PERF_COUNT_HW_CPU_CYCLES, Period: 100000, AllCPUs: true}, prog)
	cpus, _ := OnlineCPUs()
	busyCPUs(t, cpus, 100*time.Millisecond)
	if n := c.total(t); n == 0 {
		t.Error("no samples after 100ms of busy cpus")
	}
}

// On a kernel without kprobes, Attach says so in plain words.
func TestKprobeUnsupportedError(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("attaching probes needs root")
	}
	serr := Supported("kprobe")
	if serr == nil {
		t.Skip("this kernel has kprobes")
	}
	c := newCounter(t)
	prog := load(t, &ebpf.ProgramSpec{Type: ebpf.Kprobe, Instructions: counterInsns(c, anyTask)})
	_, err := Attach(plan.Probe{Provider: "kprobe", Name: "kprobe:" + kprobeFunc, Event: kprobeFunc}, prog)
	if want := "attach kprobe:" + kprobeFunc + ": " + serr.Error(); err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
}
