package attach

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"

	"sonde/compiler"
)

// attachUprobe attaches uprobes, uretprobes and USDT probes.
//
// With a Symbol, Offset is relative to it (uprobe:bin:fn+off) and
// cilium/ebpf resolves the symbol from the ELF file. Without one, Offset is
// the probe's absolute file offset (uprobe:bin:0x1234 and USDT notes, whose
// addresses the compiler has already resolved). RefCtrOffset is a USDT
// semaphore the kernel counts up while the probe is attached.
func attachUprobe(p compiler.Probe, prog *ebpf.Program) (Link, error) {
	ex, err := link.OpenExecutable(p.Binary)
	if err != nil {
		return nil, err
	}
	opts := &link.UprobeOptions{PID: p.Pid, RefCtrOffset: p.RefCtrOffset}
	if p.Symbol != "" {
		opts.Offset = p.Offset
	} else {
		opts.Address = p.Offset
	}
	if p.Provider == compiler.ProviderUretprobe {
		return ex.Uretprobe(p.Symbol, prog, opts)
	}
	return ex.Uprobe(p.Symbol, prog, opts)
}
