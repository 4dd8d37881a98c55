package runtime

import (
	"sonde/provider"

	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// watchSelfSignals runs the self:signal:SIGUSR1 probes each time sonde
// receives SIGUSR1, as bpftrace does. The returned function stops it.
func (r *run) watchSelfSignals() func() {
	has := false
	for _, p := range r.spec.Programs {
		has = has || provider.Get(p.Probe.Provider).Run == provider.RunOnSignal
	}
	if !has {
		return func() {}
	}
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGUSR1)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-ch:
				if err := r.runSpecial(provider.RunOnSignal); err != nil {
					fmt.Fprintf(r.stderr(), "sonde: %v\n", err)
				}
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}
