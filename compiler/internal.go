package compiler

import (
	"github.com/cilium/ebpf"
)

// addInternalMaps adds the maps the generated code shares: the event ring
// buffer, the per-CPU scratch buffer, failure counters and globals.
func (c *compiler) addInternalMaps() {
	c.addStackMaps()
	if c.usesRingbuf {
		size := uint32(4 << 20)
		if c.cfg.PerfRingPages > 0 {
			size = uint32(c.cfg.PerfRingPages) * 4096
		}
		c.spec.Maps = append(c.spec.Maps, &ebpf.MapSpec{Name: ringbufMap, Type: ebpf.RingBuf, MaxEntries: size})
		c.plan.RingBuf = ringbufMap
	}
	if c.scratchSize > 0 {
		c.spec.Maps = append(c.spec.Maps, &ebpf.MapSpec{Name: scratchMap, Type: ebpf.PerCPUArray, KeySize: 4, ValueSize: uint32(c.scratchSize), MaxEntries: 1})
	}
	// Always present, so the runtime can report map-full and lost counts
	// uniformly: one counter per user map, then one for lost events.
	c.spec.Maps = append(c.spec.Maps, &ebpf.MapSpec{Name: errorsMap, Type: ebpf.PerCPUArray, KeySize: 4, ValueSize: 8, MaxEntries: uint32(len(c.plan.Maps) + 1)})
	c.plan.ErrorCounts = errorsMap
	if c.usesStart {
		c.spec.Maps = append(c.spec.Maps, &ebpf.MapSpec{Name: startMap, Type: ebpf.Array, KeySize: 4, ValueSize: globalsSize, MaxEntries: 1})
		c.plan.StartTimeMap = startMap
	}
}
