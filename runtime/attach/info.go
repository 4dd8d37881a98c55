package attach

import (
	"errors"
	"fmt"
	"io"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/features"
	"golang.org/x/sys/unix"
)

// Info writes what this kernel offers sonde, in `bpftrace --info`'s layout:
// the helpers and map types sonde's programs use, and each probe type with
// the reason when it is missing. It loads small programs, so it needs root.
func Info(w io.Writer) {
	var uts unix.Utsname
	_ = unix.Uname(&uts)
	fmt.Fprintf(w, "System\n  OS: Linux %s %s\n  Arch: %s\n\n",
		unix.ByteSliceToString(uts.Release[:]), unix.ByteSliceToString(uts.Version[:]), unix.ByteSliceToString(uts.Machine[:]))

	fmt.Fprintln(w, "Kernel helpers")
	for _, h := range []struct {
		name string
		pt   ebpf.ProgramType
		fn   asm.BuiltinFunc
	}{
		{"probe_read_kernel", ebpf.TracePoint, asm.FnProbeReadKernel},
		{"probe_read_kernel_str", ebpf.TracePoint, asm.FnProbeReadKernelStr},
		{"probe_read_user", ebpf.TracePoint, asm.FnProbeReadUser},
		{"probe_read_user_str", ebpf.TracePoint, asm.FnProbeReadUserStr},
		{"get_current_task_btf", ebpf.TracePoint, asm.FnGetCurrentTaskBtf},
		{"get_current_cgroup_id", ebpf.TracePoint, asm.FnGetCurrentCgroupId},
		{"ktime_get_boot_ns", ebpf.TracePoint, asm.FnKtimeGetBootNs},
		{"get_stackid", ebpf.TracePoint, asm.FnGetStackid},
		{"ringbuf_output", ebpf.TracePoint, asm.FnRingbufOutput},
		{"send_signal", ebpf.TracePoint, asm.FnSendSignal},
		{"probe_write_user", ebpf.TracePoint, asm.FnProbeWriteUser},
		{"get_func_ip", ebpf.Kprobe, asm.FnGetFuncIp},
		{"override_return", ebpf.Kprobe, asm.FnOverrideReturn},
	} {
		fmt.Fprintf(w, "  %s: %s\n", h.name, yesNo(features.HaveProgramHelper(h.pt, h.fn)))
	}

	fmt.Fprintln(w, "\nKernel features")
	fmt.Fprintf(w, "  btf: %s\n", yesNo(existsErr("/sys/kernel/btf/vmlinux")))
	fmt.Fprintf(w, "  Instruction limit: %s\n", insnLimit())
	fmt.Fprintf(w, "  Loop support: %s\n", yesNo(features.HaveBoundedLoops()))
	fmt.Fprintf(w, "  uprobe refcount: %s\n", yesNo(existsErr("/sys/bus/event_source/devices/uprobe/format/ref_ctr_offset")))

	fmt.Fprintln(w, "\nMap types")
	for _, m := range []struct {
		name string
		mt   ebpf.MapType
	}{
		{"hash", ebpf.Hash}, {"percpu hash", ebpf.PerCPUHash},
		{"lru hash", ebpf.LRUHash}, {"lru percpu hash", ebpf.LRUCPUHash},
		{"array", ebpf.Array}, {"percpu array", ebpf.PerCPUArray},
		{"stack_trace", ebpf.StackTrace}, {"perf_event_array", ebpf.PerfEventArray},
		{"ringbuf", ebpf.RingBuf},
	} {
		fmt.Fprintf(w, "  %s: %s\n", m.name, yesNo(features.HaveMapType(m.mt)))
	}

	fmt.Fprintln(w, "\nProbe types")
	for _, p := range infoRows() {
		fmt.Fprintf(w, "  %s: %s\n", p, yesNo(Supported(p)))
	}
}

func yesNo(err error) string {
	var nse *NotSupportedError
	switch {
	case err == nil:
		return "yes"
	case errors.As(err, &nse):
		return "no (" + nse.Reason + ")"
	case errors.Is(err, ebpf.ErrNotSupported):
		return "no"
	}
	return fmt.Sprintf("unknown (%v)", err)
}

func existsErr(path string) error {
	if exists(path) {
		return nil
	}
	return ebpf.ErrNotSupported
}

func insnLimit() string {
	if features.HaveLargeInstructions() == nil {
		return "1000000"
	}
	return "4096"
}
