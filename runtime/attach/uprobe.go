package attach

import (
	"sonde/plan"

	"errors"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"

	"sonde/provider"
)

// attachUprobe attaches uprobes, uretprobes and USDT probes.
//
// Offset, when set, is the probe's absolute file offset in Binary, as the
// compiler resolves it (symbol + offset, an address, or a USDT note) and
// Symbol is only its name. With Offset 0, cilium/ebpf looks Symbol up in
// the ELF file. RefCtrOffset is a USDT semaphore that the kernel counts up
// while the probe is attached.
func attachUprobe(p plan.Probe, prog *ebpf.Program) (Link, error) {
	if p.Offset == 0 && p.Symbol == "" {
		return nil, errors.New("uprobe without a symbol or file offset")
	}
	ex, err := link.OpenExecutable(p.Binary)
	if err != nil {
		return nil, err
	}
	opts := &link.UprobeOptions{Address: p.Offset, PID: p.Pid, RefCtrOffset: p.RefCtrOffset}
	attach := ex.Uprobe
	if provider.Get(p.Provider).Return {
		attach = ex.Uretprobe
	}
	l, err := attach(p.Symbol, prog, opts)
	if err != nil {
		return nil, err
	}
	// Removing a uprobe waits for RCU grace periods, one uprobe at a
	// time: a hundred took ten seconds. See slowPerfLink.
	return &slowPerfLink{Link: l}, nil
}
