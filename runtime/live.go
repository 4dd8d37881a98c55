package runtime

import (
	"errors"
	"sync"

	"sonde/plan"
	"sonde/runtime/output"
)

// ErrStopped is returned by a Live read after the run has ended.
var ErrStopped = errors.New("the script is no longer running")

// Live reads a running script's maps and counters. Its methods are safe
// from any goroutine and take no lock that event processing takes: they
// read the BPF maps directly (per-CPU values merged on each read), so a
// slow reader never delays events. It never changes a map.
type Live struct {
	r *run
}

// liveLock keeps the maps open while a Live read is in flight: the run's
// close waits for readers and turns later reads into ErrStopped.
type liveLock struct {
	mu     sync.RWMutex
	closed bool
}

func (l *Live) acquire() bool {
	l.r.live.mu.RLock()
	if l.r.live.closed || l.r.coll == nil {
		l.r.live.mu.RUnlock()
		return false
	}
	return true
}

func (l *Live) release() { l.r.live.mu.RUnlock() }

// Maps are the script's user maps, sorted by name.
func (l *Live) Maps() []*plan.MapInfo { return l.r.plan.Maps }

// Env is what decoding keys needs (symbols, stacks, probe names).
func (l *Live) Env() *output.Env { return l.r.opts.Env }

// ReadMap reads and merges one user map, as printing at exit would.
func (l *Live) ReadMap(info *plan.MapInfo) (*output.MapData, error) {
	if !l.acquire() {
		return nil, ErrStopped
	}
	defer l.release()
	return l.r.mapData(info)
}

// Counters are the kernel-side error counts: lost ring-buffer events, and
// failed updates (map full) per map, indexed by plan.MapInfo.Index.
func (l *Live) Counters() (lost uint64, updateFailures []uint64, err error) {
	if !l.acquire() {
		return 0, nil, ErrStopped
	}
	defer l.release()
	c := l.r.counters()
	n := len(l.r.plan.Maps)
	updateFailures = make([]uint64, n)
	copy(updateFailures, c)
	if n < len(c) {
		lost = c[n]
	}
	return lost, updateFailures, nil
}

// ProbesAttached is the number of probes attached, as the banner says.
func (l *Live) ProbesAttached() int { return len(l.r.spec.Programs) }

// readStack is stackFrames guarded like the other reads: it backs
// Env.StackFrames, which a scrape may call while the run closes.
func (l *Live) readStack(mapName string, id uint64) ([]uint64, error) {
	if !l.acquire() {
		return nil, ErrStopped
	}
	defer l.release()
	return l.r.stackFrames(mapName, id)
}
