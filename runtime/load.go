package runtime

import (
	"fmt"
	goruntime "runtime"
	"sync"

	"github.com/cilium/ebpf"
)

// loadPrograms loads programs (by name) against the collection's maps,
// several at a time: the verifier runs in the loading thread, so scripts
// of hundreds of probes load in a fraction of the time one by one takes.
// The first error by name order wins, worded as cilium/ebpf's collection
// loader words it ("program NAME: ..."), which explainLoadError reads.
func loadPrograms(specs map[string]*ebpf.ProgramSpec, order []string, maps map[string]*ebpf.Map, opts ebpf.ProgramOptions) (map[string]*ebpf.Program, error) {
	progs := make([]*ebpf.Program, len(order))
	errs := make([]error, len(order))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(goruntime.NumCPU(), len(order)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				progs[i], errs[i] = loadProgram(order[i], specs[order[i]], maps, opts)
			}
		}()
	}
	for i := range order {
		work <- i
	}
	close(work)
	wg.Wait()
	out := make(map[string]*ebpf.Program, len(order))
	var first error
	for i, p := range progs {
		if errs[i] != nil && first == nil {
			first = errs[i]
		}
		if p != nil {
			out[order[i]] = p
		}
	}
	if first != nil {
		for _, p := range out {
			p.Close()
		}
		return nil, first
	}
	return out, nil
}

func loadProgram(name string, spec *ebpf.ProgramSpec, maps map[string]*ebpf.Map, opts ebpf.ProgramOptions) (*ebpf.Program, error) {
	spec = spec.Copy()
	for i := range spec.Instructions {
		ins := &spec.Instructions[i]
		if !ins.IsLoadFromMap() || ins.Reference() == "" {
			continue
		}
		m := maps[ins.Reference()]
		if m == nil {
			return nil, fmt.Errorf("program %s: missing map %s", name, ins.Reference())
		}
		if err := ins.AssociateMap(m); err != nil {
			return nil, fmt.Errorf("program %s: map %s: %w", name, ins.Reference(), err)
		}
	}
	p, err := ebpf.NewProgramWithOptions(spec, opts)
	if err != nil {
		return nil, fmt.Errorf("program %s: %w", name, err)
	}
	return p, nil
}
