package compiler

import (
	"sonde/plan"

	"fmt"

	"github.com/cilium/ebpf/asm"

	"sonde/lang/ast"
	"sonde/provider"
	"sonde/types"
)

// BPF iterators: `iter:task`, `iter:task_file`, `iter:task_vma`... The
// program runs once per object when the runtime reads the iterator, with
// ctx pointing at the kernel's struct bpf_iter__NAME; after the last object
// it runs once more with the object pointer NULL, which the prologue skips,
// so scripts see only real objects.

// iterCtxType is ctx's type in an iter:NAME probe.
func iterCtxType(kt KernelTypes, name string) (*types.Type, error) {
	if kt == nil {
		return nil, fmt.Errorf("iter probes need kernel BTF")
	}
	t, err := kt.Type("struct bpf_iter__" + name)
	if err != nil {
		return nil, fmt.Errorf("unknown iterator %s: this kernel has no struct bpf_iter__%s", name, name)
	}
	return t, nil
}

func (c *compiler) expandIter(d *provider.Provider, ap *ast.AttachPoint, parts []string) ([]plan.Probe, error) {
	switch {
	case len(parts) == 2:
		return nil, fmt.Errorf("pinning iterators (%s) is not supported", ap.Raw)
	case len(parts) != 1:
		return nil, fmt.Errorf("%s probes are written %s, as in %s:task", d.Name, d.Form, d.Name)
	}
	if _, err := iterCtxType(c.opts.KernelTypes, parts[0]); err != nil {
		return nil, err
	}
	return []plan.Probe{{Provider: d.Name, Name: d.Name + ":" + parts[0], Event: parts[0]}}, nil
}

// checkIterAlone enforces bpftrace's rule that iterators run alone: the
// run is one pass over the objects (a OnePass provider), which other probes
// would not share.
func (c *compiler) checkIterAlone(prog *ast.Program) {
	iters, others := 0, 0
	var first *instance
	for _, inst := range c.insts {
		if inst.d.OnePass {
			iters++
			if first == nil {
				first = inst
			}
		} else {
			others++
		}
	}
	switch {
	case iters > 0 && others > 0:
		c.errorAt(first.probe.Span(), "", "%s probes cannot be mixed with other probes", first.d.Name)
	case iters > 1:
		c.errorAt(first.probe.Span(), "", "only one %s probe per script", first.d.Name)
	}
}

// iterPrologue ends the run for the final call, whose object pointer (the
// first field after meta) is NULL.
func (g *gen) iterPrologue() {
	if g.inst.d.Context != provider.CtxIter {
		return
	}
	g.emit(asm.LoadMem(asm.R1, asm.RFP, ctxSlot, asm.DWord), asm.LoadMem(asm.R1, asm.R1, 8, asm.DWord), asm.JEq.Imm(asm.R1, 0, g.exitLabel))
}
