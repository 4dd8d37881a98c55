package attach

import (
	"sonde/plan"

	"errors"
	"fmt"
	"os"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"

	"sonde/kernel/tracefs"
)

func attachTracepoint(p plan.Probe, prog *ebpf.Program) (Link, error) {
	// Make sure tracefs is there (mounting it if we may) before cilium/ebpf
	// looks for the tracepoint's id in it.
	if _, err := tracefs.Mount(); err != nil {
		return nil, err
	}
	l, err := link.Tracepoint(p.Group, p.Event, prog, nil)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no tracepoint %s:%s in this kernel", p.Group, p.Event)
	}
	if err != nil {
		return nil, err
	}
	return &slowPerfLink{Link: l}, nil
}

// slowPerfLink is a tracepoint, uprobe or kprobe attached through a perf
// event. Closing
// it does two things at different costs: detaching the program (a few
// milliseconds, all links together) and destroying the perf event, which
// the kernel does one tracepoint at a time under a global mutex, each
// waiting for RCU grace periods (30-40 ms here). detachProgram does the
// first and leaves the second to whoever closes the returned file.
type slowPerfLink struct {
	link.Link
}

// slow wraps a freshly attached perf-event link.
func slow(l link.Link, err error) (Link, error) {
	if err != nil {
		return nil, err
	}
	return &slowPerfLink{Link: l}, nil
}

func (l *slowPerfLink) detachProgram() (*os.File, error) {
	pe, ok := l.Link.(link.PerfEvent)
	if !ok {
		return nil, l.Close()
	}
	f, err := pe.PerfEvent() // a duplicate: it keeps the event alive
	if err != nil {
		return nil, l.Close()
	}
	if err := l.Close(); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
