package runtime

import (
	"sonde/plan"

	"fmt"
	"io"

	"sonde/provider"
	"sonde/runtime/attach"
)

// runIterators makes one pass over each attached iterator (reading it runs
// the program once per object), then ends the run, as bpftrace does. The
// programs' output travels through the ring buffer like any other.
func (r *run) runIterators() {
	for _, l := range r.iterLinks {
		rd, err := attach.ReadIter(l)
		if err == nil {
			_, err = io.Copy(io.Discard, rd)
			rd.Close()
		}
		if err != nil {
			fmt.Fprintf(r.stderr(), "sonde: iterator: %v\n", err)
			r.requestExit(1)
			return
		}
	}
	r.requestExit(0)
}

// isIter: the program walks kernel objects once (iter), read by
// runIterators.
func isIter(p *plan.Program) bool { return provider.Get(p.Probe.Provider).OnePass }
