package attach

import (
	"errors"
	"fmt"
	"os"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"

	"sonde/compiler"
	"sonde/kernel/tracefs"
)

func attachTracepoint(p compiler.Probe, prog *ebpf.Program) (Link, error) {
	// Make sure tracefs is there (mounting it if we may) before cilium/ebpf
	// looks for the tracepoint's id in it.
	if _, err := tracefs.Mount(); err != nil {
		return nil, err
	}
	l, err := link.Tracepoint(p.Group, p.Event, prog, nil)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no tracepoint %s:%s in this kernel", p.Group, p.Event)
	}
	return l, err
}
