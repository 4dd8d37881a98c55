package compiler

import (
	"sonde/plan"
	"sonde/provider"

	"github.com/cilium/ebpf"
)

// Event ring sizes. Creating a ring costs time in proportion to its size
// (1 MB: 0.25 ms, 8 MB: 1.3 ms, 16 MB: 5 ms here), so only scripts whose
// probes may fire often and send output get the large one. It holds 200k
// typical printf records (40 bytes), enough to ride out a reader that is
// off the CPU for a while.
const (
	eventRingSize = 8 << 20 // printf and co. from probes that fire at will
	quietRingSize = 1 << 20 // events only from BEGIN/END, or only exit()
)

// addInternalMaps adds the maps the generated code shares: the event ring
// buffer, the per-CPU scratch buffer, failure counters and globals. Maps no
// program refers to are left out: each costs a system call or more at load.
func (c *compiler) addInternalMaps() {
	c.addStackMaps()
	if c.usesRingbuf {
		size := uint32(c.ringSize())
		if c.cfg.PerfRingPages > 0 {
			size = uint32(c.cfg.PerfRingPages) * 4096
		}
		c.spec.Maps = append(c.spec.Maps, &ebpf.MapSpec{Name: ringbufMap, Type: ebpf.RingBuf, MaxEntries: size})
		c.plan.RingBuf = ringbufMap
	}
	if c.scratchSize > 0 {
		c.spec.Maps = append(c.spec.Maps, &ebpf.MapSpec{Name: scratchMap, Type: ebpf.PerCPUArray, KeySize: 4, ValueSize: uint32(c.scratchSize), MaxEntries: 1})
	}
	// One counter per user map, then one for lost events.
	if c.usesErrors {
		c.spec.Maps = append(c.spec.Maps, &ebpf.MapSpec{Name: errorsMap, Type: ebpf.PerCPUArray, KeySize: 4, ValueSize: 8, MaxEntries: uint32(len(c.plan.Maps) + 1)})
		c.plan.ErrorCounts = errorsMap
	}
	if c.usesGlobals {
		c.spec.Maps = append(c.spec.Maps, &ebpf.MapSpec{Name: globalsMap, Type: ebpf.Array, KeySize: 4, ValueSize: plan.GlobalsSize, MaxEntries: 1})
		c.plan.GlobalsMap = globalsMap
	}
}

// ringSize picks the event ring's size: the small one when every event is
// an exit() (the first one ends the run) or comes from BEGIN/END probes
// (a bounded number of records).
func (c *compiler) ringSize() int {
	exitOnly := true
	for _, a := range c.plan.Actions {
		if a.Kind != plan.ActExit {
			exitOnly = false
		}
	}
	special := true
	for _, p := range c.spec.Programs {
		if r := provider.Get(p.Probe.Provider).Run; r != provider.RunAtStart && r != provider.RunAtEnd {
			special = false
		}
	}
	if exitOnly || special {
		return quietRingSize
	}
	return eventRingSize
}
