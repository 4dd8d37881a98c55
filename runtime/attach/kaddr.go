package attach

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"unsafe"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"

	"sonde/plan"
	"sonde/provider"
)

// attachKprobeAddrs attaches prog to each of p.KAddrs: the functions that
// share p.Event's name, which the kernel refuses to probe by name. The
// kprobe PMU takes an address where it would take a symbol. Addresses
// that refuse a kprobe (notrace) are skipped; it fails only if none
// attaches.
func attachKprobeAddrs(p plan.Probe, prog *ebpf.Program) (Link, error) {
	typ, retBit, err := kprobePMU()
	if err != nil {
		return nil, fmt.Errorf("attach %s by address: %w", p.Event, err)
	}
	attr := unix.PerfEventAttr{
		Type:   typ,
		Size:   uint32(unsafe.Sizeof(unix.PerfEventAttr{})),
		Sample: 1,
		Wakeup: 1,
	}
	if provider.Get(p.Provider).Return {
		attr.Config = 1 << retBit
	}
	l := &perfLink{}
	var first error
	for _, addr := range p.KAddrs {
		a := attr
		a.Ext2 = addr + p.Offset // kprobe_addr, with no kprobe_func
		fd, err := perfEventOpen(&a, -1, 0, -1, unix.PERF_FLAG_FD_CLOEXEC)
		if err != nil {
			if first == nil {
				first = fmt.Errorf("%s at %#x: %w", p.Event, addr, err)
			}
			continue
		}
		rl, err := attachPerfFD(fd, prog)
		if err != nil {
			unix.Close(fd)
			if first == nil {
				first = fmt.Errorf("%s at %#x: %w", p.Event, addr, err)
			}
			continue
		}
		l.events = append(l.events, perfEvent{fd: fd, link: rl})
	}
	if len(l.events) == 0 {
		return nil, first
	}
	return l, nil
}

// kprobePMU reads the kprobe PMU's perf type and the config bit that makes
// a kretprobe.
func kprobePMU() (typ uint32, retBit uint, err error) {
	const dir = "/sys/bus/event_source/devices/kprobe/"
	b, err := os.ReadFile(dir + "type")
	if err != nil {
		return 0, 0, fmt.Errorf("no kprobe PMU: %w", err)
	}
	t, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 32)
	if err != nil {
		return 0, 0, err
	}
	retBit = 0
	if f, err := os.ReadFile(dir + "format/retprobe"); err == nil {
		s := strings.TrimSpace(string(f)) // "config:0"
		n, ok := strings.CutPrefix(s, "config:")
		if !ok {
			return 0, 0, errors.New("kprobe PMU: unknown retprobe format " + s)
		}
		bit, err := strconv.ParseUint(n, 10, 6)
		if err != nil {
			return 0, 0, err
		}
		retBit = uint(bit)
	}
	return uint32(t), retBit, nil
}
