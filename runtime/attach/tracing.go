package attach

import (
	"sonde/plan"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"

	"sonde/provider"
)

// attachRawTracepoint attaches a tp_btf program (Tracing, AttachTraceRawTp,
// loaded with AttachTo = the event, so the kernel already knows where) or,
// for kernels without BTF, a plain raw tracepoint program named by Event.
func attachRawTracepoint(p plan.Probe, prog *ebpf.Program) (Link, error) {
	switch prog.Type() {
	case ebpf.RawTracepoint, ebpf.RawTracepointWritable:
		return link.AttachRawTracepoint(link.RawTracepointOptions{Name: p.Event, Program: prog})
	}
	return link.AttachTracing(link.TracingOptions{Program: prog, AttachType: ebpf.AttachTraceRawTp})
}

// attachTracing attaches fentry/fexit programs; like tp_btf, the target
// function was fixed at load time (ProgramSpec.AttachTo).
func attachTracing(p plan.Probe, prog *ebpf.Program) (Link, error) {
	at := ebpf.AttachType(provider.Get(p.Provider).AttachType)
	return link.AttachTracing(link.TracingOptions{Program: prog, AttachType: at})
}
