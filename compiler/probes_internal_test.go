package compiler

import (
	"testing"

	"github.com/cilium/ebpf"

	"sonde/provider"
)

// Every provider sonde runs has an expander for its attach points, and the
// catalogue's program and attach types are cilium/ebpf's.
func TestProvidersHaveExpanders(t *testing.T) {
	for _, d := range provider.All() {
		if d.Runs() && expanders[d.Expand] == nil {
			t.Errorf("%s: no expander for %v", d.Name, d.Expand)
		}
	}
	for _, c := range []struct{ got, want any }{
		{ebpf.ProgramType(provider.ProgKprobe), ebpf.Kprobe},
		{ebpf.ProgramType(provider.ProgTracepoint), ebpf.TracePoint},
		{ebpf.ProgramType(provider.ProgPerfEvent), ebpf.PerfEvent},
		{ebpf.ProgramType(provider.ProgRawTracepoint), ebpf.RawTracepoint},
		{ebpf.ProgramType(provider.ProgTracing), ebpf.Tracing},
		{ebpf.AttachType(provider.AttachNone), ebpf.AttachNone},
		{ebpf.AttachType(provider.AttachRawTp), ebpf.AttachTraceRawTp},
		{ebpf.AttachType(provider.AttachFEntry), ebpf.AttachTraceFEntry},
		{ebpf.AttachType(provider.AttachFExit), ebpf.AttachTraceFExit},
		{ebpf.AttachType(provider.AttachIter), ebpf.AttachTraceIter},
		{ebpf.AttachType(provider.AttachKprobeMulti), ebpf.AttachTraceKprobeMulti},
	} {
		if c.got != c.want {
			t.Errorf("%v is %v in cilium/ebpf", c.got, c.want)
		}
	}
}
