package attach

import (
	"sonde/plan"

	"errors"
	"fmt"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"

	"sonde/provider"
)

// attachKprobe attaches to a kernel function, at Offset bytes into it for
// kprobe:fn+off. The module (Group) needs no mention: the kernel resolves
// the symbol across modules.
func attachKprobe(p plan.Probe, prog *ebpf.Program) (Link, error) {
	if len(p.KAddrs) > 0 {
		return attachKprobeAddrs(p, prog)
	}
	ret := provider.Get(p.Provider).Return
	if len(p.Symbols) > 0 {
		if p.Multi {
			return AttachKprobeMulti(p.Symbols, prog, ret)
		}
		return attachEach(p, prog)
	}
	if ret {
		if p.Offset != 0 {
			return nil, errors.New("a kretprobe cannot have an offset")
		}
		return slow(link.Kretprobe(p.Event, prog, nil))
	}
	return slow(link.Kprobe(p.Event, prog, &link.KprobeOptions{Offset: p.Offset}))
}

// AttachKprobeMulti attaches prog to the entry (or, with ret, the return) of
// every function in symbols with one kprobe_multi link: far faster than a
// kprobe each for wildcards like kprobe:vfs_*. The program must be loaded
// with AttachType ebpf.AttachTraceKprobeMulti. Check
// Supported(provider.FeatureKprobeMulti) first and fall back to one Attach per
// function when it fails.
func AttachKprobeMulti(symbols []string, prog *ebpf.Program, ret bool) (Link, error) {
	opts := link.KprobeMultiOptions{Symbols: symbols}
	var (
		l   link.Link
		err error
	)
	if ret {
		l, err = link.KretprobeMulti(prog, opts)
	} else {
		l, err = link.KprobeMulti(prog, opts)
	}
	if err != nil {
		if serr := Supported(provider.FeatureKprobeMulti); serr != nil {
			err = serr
		}
		kind := "kprobe"
		if ret {
			kind = "kretprobe"
		}
		return nil, fmt.Errorf("attach %s to %d functions: %w", kind, len(symbols), err)
	}
	return l, nil
}

// attachEach attaches one shared program to every function of a wildcard,
// one kprobe link each (kernels without kprobe_multi). Functions that
// refuse a kprobe (notrace, blacklisted) are skipped, as bpftrace does; it
// fails only if none attaches.
func attachEach(p plan.Probe, prog *ebpf.Program) (Link, error) {
	var (
		links multiLink
		first error
	)
	for _, fn := range p.Symbols {
		q := p
		q.Symbols, q.Event = nil, fn
		l, err := attachKprobe(q, prog)
		if err != nil {
			if first == nil {
				first = fmt.Errorf("%s: %w", fn, err)
			}
			continue
		}
		links = append(links, l)
	}
	if len(links) == 0 {
		return nil, first
	}
	return links, nil
}

// multiLink is several links closed as one.
type multiLink []Link

func (m multiLink) Close() error { return CloseAll(m) }
