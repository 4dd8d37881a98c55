package attach

import (
	"sonde/plan"

	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"unsafe"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/features"
	"golang.org/x/sys/unix"

	"sonde/kernel/tracefs"
)

// ProviderKprobeMulti names the kprobe_multi link in Supported; it is not a
// probe type of its own but the way wildcard kprobes attach.
const ProviderKprobeMulti = "kprobe_multi"

// NotSupportedError says in plain words why a probe type cannot work on
// this kernel. It matches ebpf.ErrNotSupported with errors.Is.
type NotSupportedError struct {
	Provider string
	Reason   string // "this kernel has no kprobes (CONFIG_KPROBES is off)"
	Err      error  // the underlying failure, if any
}

func (e *NotSupportedError) Error() string { return e.Provider + ": " + e.Reason }

func (e *NotSupportedError) Unwrap() []error {
	if e.Err != nil {
		return []error{ebpf.ErrNotSupported, e.Err}
	}
	return []error{ebpf.ErrNotSupported}
}

func unsupported(provider, reason string, err error) error {
	return &NotSupportedError{Provider: provider, Reason: reason, Err: err}
}

// checks holds one feature probe per provider. Each runs at most once per
// process (see Supported).
var checks = map[string]func() error{
	plan.ProviderBegin:         checkTestRun(plan.ProviderBegin),
	plan.ProviderEnd:           checkTestRun(plan.ProviderEnd),
	plan.ProviderTracepoint:    checkTracepoint,
	plan.ProviderRawTracepoint: checkRawTracepoint,
	plan.ProviderKprobe:        checkKprobe(plan.ProviderKprobe),
	plan.ProviderKretprobe:     checkKprobe(plan.ProviderKretprobe),
	plan.ProviderFentry:        checkFentry(plan.ProviderFentry),
	plan.ProviderFexit:         checkFentry(plan.ProviderFexit),
	plan.ProviderUprobe:        checkUprobe(plan.ProviderUprobe),
	plan.ProviderUretprobe:     checkUprobe(plan.ProviderUretprobe),
	plan.ProviderUSDT:          checkUprobe(plan.ProviderUSDT),
	plan.ProviderProfile:       checkSoftware(plan.ProviderProfile),
	plan.ProviderInterval:      checkSoftware(plan.ProviderInterval),
	plan.ProviderSoftware:      checkSoftware(plan.ProviderSoftware),
	plan.ProviderHardware:      checkHardware,
	plan.ProviderIter:          checkIter,
	ProviderKprobeMulti:        checkKprobeMulti,
}

var results sync.Map // provider -> func() error from sync.OnceValue

// Supported returns nil when probes of the given provider can attach on this
// kernel, or a *NotSupportedError saying why not, for the CLI to show as
// is. Results are cached for the life of the process.
func Supported(provider string) error {
	check, ok := checks[provider]
	if !ok {
		return fmt.Errorf("unknown probe type %q", provider)
	}
	once, _ := results.LoadOrStore(provider, sync.OnceValue(check))
	return once.(func() error)()
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// haveProgType turns cilium/ebpf's probe into a plain-words error.
func haveProgType(provider string, pt ebpf.ProgramType) error {
	err := features.HaveProgramType(pt)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ebpf.ErrNotSupported):
		return unsupported(provider, fmt.Sprintf("this kernel cannot load %s programs", pt), err)
	case errors.Is(err, unix.EPERM):
		return unsupported(provider, "loading BPF programs is not permitted (run as root, or grant CAP_BPF and CAP_PERFMON)", err)
	}
	return unsupported(provider, fmt.Sprintf("cannot load a %s program: %v", pt, err), err)
}

func checkTestRun(provider string) func() error {
	return func() error { return haveProgType(provider, ebpf.RawTracepoint) }
}

func checkTracepoint() error {
	const p = plan.ProviderTracepoint
	if err := haveProgType(p, ebpf.TracePoint); err != nil {
		return err
	}
	dir, err := tracefs.Mount()
	if err != nil {
		return unsupported(p, "tracefs is not available: "+err.Error(), err)
	}
	if !exists(filepath.Join(dir, "events")) {
		return unsupported(p, "this kernel has no trace events (CONFIG_EVENT_TRACING is off)", nil)
	}
	return nil
}

// checkRawTracepoint needs only raw_tracepoint programs: Attach falls back to
// them when tp_btf is missing (see Info for tp_btf itself).
func checkRawTracepoint() error {
	return haveProgType(plan.ProviderRawTracepoint, ebpf.RawTracepoint)
}

// checkKprobe looks for the kprobe PMU (4.17+) or, on older kernels, the
// tracefs interface. A kernel without CONFIG_KPROBES still knows the kprobe
// program type (uprobes use it), so the type alone proves nothing.
func checkKprobe(provider string) func() error {
	return func() error {
		if err := haveProgType(provider, ebpf.Kprobe); err != nil {
			return err
		}
		if exists("/sys/bus/event_source/devices/kprobe") {
			return nil
		}
		if dir, err := tracefs.Mount(); err == nil && exists(filepath.Join(dir, "kprobe_events")) {
			return nil
		}
		return unsupported(provider, "this kernel has no kprobes (CONFIG_KPROBES is off)", nil)
	}
}

func checkUprobe(provider string) func() error {
	return func() error {
		if err := haveProgType(provider, ebpf.Kprobe); err != nil {
			return err
		}
		if exists("/sys/bus/event_source/devices/uprobe") {
			return nil
		}
		if dir, err := tracefs.Mount(); err == nil && exists(filepath.Join(dir, "uprobe_events")) {
			return nil
		}
		return unsupported(provider, "this kernel has no uprobes (CONFIG_UPROBE_EVENTS is off)", nil)
	}
}

// checkFentry loads a tiny fentry program, the only reliable test: kernels
// can know the program type and still refuse it (EPERM here, ENOTSUPP
// without trampolines). cilium/ebpf's probe resolves its target through the
// kernel's BTF, which costs a BTF parse, so this runs only when asked.
func checkFentry(provider string) func() error {
	return func() error {
		err := features.HaveProgramType(ebpf.Tracing)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, ebpf.ErrNotSupported):
			return unsupported(provider, "this kernel has no fentry/fexit support (needs Linux 5.5 with BTF and BPF trampolines)", err)
		case errors.Is(err, unix.EPERM):
			return unsupported(provider, "this kernel refuses to load fentry/fexit programs (EPERM: operation not permitted)", err)
		}
		return unsupported(provider, fmt.Sprintf("loading an fentry program fails: %v", err), err)
	}
}

// checkIter loads a task iterator, which needs kernel BTF.
func checkIter() error {
	const p = plan.ProviderIter
	if !exists("/sys/kernel/btf/vmlinux") {
		return unsupported(p, "iterators need kernel BTF (/sys/kernel/btf/vmlinux is missing)", nil)
	}
	prog, err := ebpf.NewProgramWithOptions(&ebpf.ProgramSpec{
		Type:         ebpf.Tracing,
		AttachType:   ebpf.AttachTraceIter,
		AttachTo:     "task",
		License:      "GPL",
		Instructions: asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()},
	}, ebpf.ProgramOptions{LogDisabled: true})
	if err != nil {
		return unsupported(p, fmt.Sprintf("loading a task iterator fails: %v", err), err)
	}
	prog.Close()
	return nil
}

func checkSoftware(provider string) func() error {
	return func() error {
		if err := haveProgType(provider, ebpf.PerfEvent); err != nil {
			return err
		}
		return probePerfEvent(provider, unix.PERF_TYPE_SOFTWARE, unix.PERF_COUNT_SW_CPU_CLOCK,
			"this kernel has no software perf events (CONFIG_PERF_EVENTS is off)")
	}
}

func checkHardware() error {
	const p = plan.ProviderHardware
	if err := haveProgType(p, ebpf.PerfEvent); err != nil {
		return err
	}
	return probePerfEvent(p, unix.PERF_TYPE_HARDWARE, unix.PERF_COUNT_HW_CPU_CYCLES,
		"this machine exposes no hardware performance counters (usual in VMs)")
}

// probePerfEvent opens a disabled event on the first online CPU and closes
// it again.
func probePerfEvent(provider string, typ uint32, config uint64, missing string) error {
	cpus, err := OnlineCPUs()
	if err != nil {
		return err
	}
	attr := unix.PerfEventAttr{
		Type:   typ,
		Config: config,
		Size:   uint32(unsafe.Sizeof(unix.PerfEventAttr{})),
		Sample: 1 << 30,
		Bits:   unix.PerfBitDisabled,
	}
	fd, err := unix.PerfEventOpen(&attr, -1, cpus[0], -1, unix.PERF_FLAG_FD_CLOEXEC)
	switch {
	case err == nil:
		unix.Close(fd)
		return nil
	case errors.Is(err, unix.ENOENT), errors.Is(err, unix.EOPNOTSUPP), errors.Is(err, unix.ENODEV):
		return unsupported(provider, missing, err)
	case errors.Is(err, unix.EACCES), errors.Is(err, unix.EPERM):
		return unsupported(provider, "opening perf events is not permitted (run as root or lower kernel.perf_event_paranoid)", err)
	}
	return unsupported(provider, fmt.Sprintf("perf_event_open fails: %v", err), err)
}

func checkKprobeMulti() error {
	if err := features.HaveBPFLinkKprobeMulti(); err != nil {
		if errors.Is(err, ebpf.ErrNotSupported) {
			return unsupported(ProviderKprobeMulti, "this kernel cannot attach one kprobe program to many functions (needs Linux 5.18 with CONFIG_FPROBE)", err)
		}
		return unsupported(ProviderKprobeMulti, fmt.Sprintf("probing kprobe_multi fails: %v", err), err)
	}
	return nil
}
