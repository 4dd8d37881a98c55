package attach

import (
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
	"sonde/provider"
)

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

var results sync.Map // provider or feature -> func() error from sync.OnceValue

// Supported returns nil when probes of the given provider (or the feature
// provider.FeatureKprobeMulti) can attach on this kernel, or a
// *NotSupportedError saying why not, for the CLI to show as is. The check
// is the provider's mechanism's. Results are cached for the life of the
// process.
func Supported(name string) error {
	check := featureCheck(name)
	if check == nil {
		return fmt.Errorf("unknown probe type %q", name)
	}
	once, _ := results.LoadOrStore(name, sync.OnceValue(check))
	return once.(func() error)()
}

func featureCheck(name string) func() error {
	switch name {
	case provider.FeatureKprobeMulti:
		return checkKprobeMulti
	case provider.FeatureKprobeSession:
		return checkKprobeSession
	}
	d := provider.Get(name)
	if d == nil || !d.Runs() {
		return nil
	}
	check := mechanisms[d.Mech].check
	return func() error { return check(d) }
}

// infoRows lists what Supported answers for, in the order Info shows
// them: the providers sonde runs, with kprobe_multi after the last provider
// whose wildcards use it.
func infoRows() []string {
	var names []string
	last := 0
	for _, d := range provider.All() {
		if !d.Runs() {
			continue
		}
		names = append(names, d.Name)
		if d.SharedWildcard {
			last = len(names)
		}
	}
	return append(names[:last], append([]string{provider.FeatureKprobeMulti, provider.FeatureKprobeSession}, names[last:]...)...)
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

// checkTestRun: begin, end and self programs are run by sonde with
// BPF_PROG_TEST_RUN.
func checkTestRun(d *provider.Provider) error {
	return haveProgType(d.Name, ebpf.ProgramType(d.Prog))
}

func checkTracepoint(d *provider.Provider) error {
	p := d.Name
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
func checkRawTracepoint(d *provider.Provider) error {
	return haveProgType(d.Name, ebpf.RawTracepoint)
}

func checkKprobe(d *provider.Provider) error {
	return checkProbeEvents(d, "kprobe", "this kernel has no kprobes (CONFIG_KPROBES is off)")
}

func checkUprobe(d *provider.Provider) error {
	return checkProbeEvents(d, "uprobe", "this kernel has no uprobes (CONFIG_UPROBE_EVENTS is off)")
}

// checkProbeEvents looks for the kprobe or uprobe PMU (4.17+) or, on older
// kernels, the tracefs interface (kprobe_events). A kernel without
// CONFIG_KPROBES still knows the kprobe program type (uprobes use it), so
// the type alone proves nothing.
func checkProbeEvents(d *provider.Provider, pmu, missing string) error {
	if err := haveProgType(d.Name, ebpf.Kprobe); err != nil {
		return err
	}
	if exists("/sys/bus/event_source/devices/" + pmu) {
		return nil
	}
	if dir, err := tracefs.Mount(); err == nil && exists(filepath.Join(dir, pmu+"_events")) {
		return nil
	}
	return unsupported(d.Name, missing, nil)
}

// checkFentry loads a tiny fentry program, the only reliable test: kernels
// can know the program type and still refuse it (EPERM here, ENOTSUPP
// without trampolines). cilium/ebpf's probe resolves its target through the
// kernel's BTF, which costs a BTF parse, so this runs only when asked.
func checkFentry(d *provider.Provider) error {
	err := features.HaveProgramType(ebpf.Tracing)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ebpf.ErrNotSupported):
		return unsupported(d.Name, "this kernel has no fentry/fexit support (needs Linux 5.5 with BTF and BPF trampolines)", err)
	case errors.Is(err, unix.EPERM):
		return unsupported(d.Name, "this kernel refuses to load fentry/fexit programs (EPERM: operation not permitted)", err)
	}
	return unsupported(d.Name, fmt.Sprintf("loading an fentry program fails: %v", err), err)
}

// checkIter loads a task iterator, which needs kernel BTF.
func checkIter(d *provider.Provider) error {
	p := d.Name
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

// checkPerf opens the provider's perf event (Provider.Perf) once.
func checkPerf(d *provider.Provider) error {
	if err := haveProgType(d.Name, ebpf.PerfEvent); err != nil {
		return err
	}
	missing := "this kernel has no software perf events (CONFIG_PERF_EVENTS is off)"
	if d.Perf.Type == unix.PERF_TYPE_HARDWARE {
		missing = "this machine exposes no hardware performance counters (usual in VMs)"
	}
	return probePerfEvent(d.Name, d.Perf.Type, d.Perf.Config, missing)
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

func checkKprobeSession() error {
	const name = provider.FeatureKprobeSession
	if err := Supported(provider.FeatureKprobeMulti); err != nil {
		return unsupported(name, "it needs kprobe_multi", err)
	}
	if err := features.HaveBPFLinkKprobeSession(); err != nil {
		if errors.Is(err, ebpf.ErrNotSupported) {
			return unsupported(name, "this kernel has no kprobe session links (needs Linux 6.10)", err)
		}
		return unsupported(name, fmt.Sprintf("probing kprobe sessions fails: %v", err), err)
	}
	return nil
}

func checkKprobeMulti() error {
	const name = provider.FeatureKprobeMulti
	if err := features.HaveBPFLinkKprobeMulti(); err != nil {
		if errors.Is(err, ebpf.ErrNotSupported) {
			return unsupported(name, "this kernel cannot attach one kprobe program to many functions (needs Linux 5.18 with CONFIG_FPROBE)", err)
		}
		return unsupported(name, fmt.Sprintf("probing kprobe_multi fails: %v", err), err)
	}
	return nil
}
