package runtime

import "encoding/binary"

// Counters are the kernel-side error counts, read now: ring-buffer records
// the kernel dropped, and failed updates (map full) per user map, indexed
// by plan.MapInfo.Index. Safe while the script runs, as Maps is.
func (l *Loaded) Counters() (lost uint64, updateFailures []uint64, err error) {
	l.life.RLock()
	defer l.life.RUnlock()
	if l.closed {
		return 0, nil, ErrClosed
	}
	c := l.counters()
	n := len(l.spec.Plan.Maps)
	updateFailures = make([]uint64, n)
	copy(updateFailures, c)
	if n < len(c) {
		lost = c[n]
	}
	return lost, updateFailures, nil
}

// counters sums the per-CPU failure counters (the last one counts lost
// events).
func (l *Loaded) counters() []uint64 {
	m := l.coll.Maps[l.spec.Plan.ErrorCounts]
	if m == nil {
		return nil
	}
	raw, err := readMap(m, l.ncpu)
	if err != nil {
		return nil
	}
	out := make([]uint64, raw.N)
	for i := 0; i < raw.N; i++ {
		idx := binary.LittleEndian.Uint32(raw.Key(i))
		if int(idx) >= len(out) {
			continue
		}
		for c := 0; c < raw.CPUs; c++ {
			out[idx] += binary.LittleEndian.Uint64(raw.Value(i, c))
		}
	}
	return out
}
