package attach

import (
	"sonde/plan"

	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"unsafe"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"

	"sonde/provider"
)

// perfEventOpen is a seam for tests that make the n-th CPU fail.
var perfEventOpen = unix.PerfEventOpen

// perfLink owns the perf events of one probe, one per CPU, and the BPF
// link attaching the program to each (nil where the ioctl fallback was used:
// closing the event detaches it).
type perfLink struct {
	events []perfEvent
}

type perfEvent struct {
	fd   int
	link *link.RawLink
}

func (l *perfLink) Close() error {
	var errs []error
	for _, e := range l.events {
		if e.link != nil {
			errs = append(errs, e.link.Close())
		}
		errs = append(errs, unix.Close(e.fd))
	}
	l.events = nil
	return errors.Join(errs...)
}

// attachPerf opens p's perf event on every online CPU (on the first only
// for interval, which must fire once per period, not once per CPU) and
// attaches prog to each: the provider decides (provider.AllCPUs), as
// Probe.AllCPUs documents. Profile and interval always count the event
// their provider fixes (cpu-clock).
func attachPerf(p plan.Probe, prog *ebpf.Program) (Link, error) {
	cpus, err := OnlineCPUs()
	if err != nil {
		return nil, err
	}
	if !provider.Get(p.Provider).AllCPUs {
		cpus = cpus[:1]
	}
	return attachPerfOn(p, prog, cpus)
}

func attachPerfOn(p plan.Probe, prog *ebpf.Program, cpus []int) (_ Link, err error) {
	attr := unix.PerfEventAttr{
		Type:   p.PerfType,
		Config: p.PerfConfig,
		Size:   uint32(unsafe.Sizeof(unix.PerfEventAttr{})),
	}
	if d := provider.Get(p.Provider); d.PerfEvents == nil && d.Perf != nil {
		attr.Type, attr.Config = d.Perf.Type, d.Perf.Config
	}
	switch {
	case p.Freq > 0:
		attr.Sample = p.Freq
		attr.Bits |= unix.PerfBitFreq
	case p.Period > 0:
		attr.Sample = p.Period
	default:
		return nil, errors.New("perf event without a period or frequency")
	}

	pid := -1
	if p.Pid > 0 {
		pid = p.Pid
	}

	l := &perfLink{}
	defer func() {
		if err != nil {
			l.Close()
		}
	}()
	for _, cpu := range cpus {
		fd, err := perfEventOpen(&attr, pid, cpu, -1, unix.PERF_FLAG_FD_CLOEXEC)
		if err != nil {
			return nil, perfOpenError(err, cpu)
		}
		l.events = append(l.events, perfEvent{fd: fd})
		rl, err := attachPerfFD(fd, prog)
		if err != nil {
			return nil, fmt.Errorf("cpu %d: %w", cpu, err)
		}
		l.events[len(l.events)-1].link = rl
	}
	return l, nil
}

// attachPerfFD attaches prog to a perf event with a BPF link (5.15+), whose
// teardown does not depend on the event fd, falling back to the ioctls older
// kernels need. The returned link is nil after the fallback.
func attachPerfFD(fd int, prog *ebpf.Program) (*link.RawLink, error) {
	rl, lerr := link.AttachRawLink(link.RawLinkOptions{Target: fd, Program: prog, Attach: ebpf.AttachPerfEvent})
	if lerr == nil {
		return rl, nil
	}
	if err := unix.IoctlSetInt(fd, unix.PERF_EVENT_IOC_SET_BPF, prog.FD()); err != nil {
		return nil, fmt.Errorf("attach program to perf event: %w (bpf link: %v)", err, lerr)
	}
	if err := unix.IoctlSetInt(fd, unix.PERF_EVENT_IOC_ENABLE, 0); err != nil {
		return nil, fmt.Errorf("enable perf event: %w", err)
	}
	return nil, nil
}

func perfOpenError(err error, cpu int) error {
	switch {
	case errors.Is(err, unix.ENOENT), errors.Is(err, unix.EOPNOTSUPP):
		return fmt.Errorf("perf_event_open on cpu %d: this machine does not provide that event: %w", cpu, err)
	case errors.Is(err, unix.EACCES), errors.Is(err, unix.EPERM):
		return fmt.Errorf("perf_event_open on cpu %d: not permitted (needs root or CAP_PERFMON): %w", cpu, err)
	}
	return fmt.Errorf("perf_event_open on cpu %d: %w", cpu, err)
}

// OnlineCPUs returns the ids of the online CPUs, ascending.
func OnlineCPUs() ([]int, error) {
	b, err := os.ReadFile("/sys/devices/system/cpu/online")
	if err != nil {
		return nil, fmt.Errorf("online cpus: %w", err)
	}
	cpus, err := parseCPUList(string(b))
	if err != nil {
		return nil, fmt.Errorf("online cpus: %w", err)
	}
	return cpus, nil
}

// parseCPUList parses the kernel's cpu list format: "0-3,5,7-8".
func parseCPUList(s string) ([]int, error) {
	var cpus []int
	for _, part := range strings.Split(strings.TrimSpace(s), ",") {
		if part == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		first, err := strconv.Atoi(lo)
		if err != nil {
			return nil, fmt.Errorf("bad cpu list %q", s)
		}
		last := first
		if isRange {
			if last, err = strconv.Atoi(hi); err != nil || last < first {
				return nil, fmt.Errorf("bad cpu list %q", s)
			}
		}
		for c := first; c <= last; c++ {
			cpus = append(cpus, c)
		}
	}
	if len(cpus) == 0 {
		return nil, fmt.Errorf("no cpus in %q", s)
	}
	return cpus, nil
}
