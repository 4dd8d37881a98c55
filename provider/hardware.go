package provider

import "golang.org/x/sys/unix"

var hardware = &Provider{
	Name:    "hardware",
	Aliases: []string{"h"},
	Form:    "hardware:EVENT[:COUNT]",
	Forms:   []string{"hardware:EVENT", "hardware:EVENT:COUNT"},
	Doc:     "a hardware perf counter on every CPU (cpu-cycles, instructions, cache-references, cache-misses, branch-instructions, branch-misses, bus-cycles, frontend-stalls, backend-stalls, ref-cycles), every COUNT events; virtual machines often have none",
	Example: `hardware:cache-misses:1000000 { @[comm] = count(); }`,
	Expand:  ExpandPerfEvent,
	Prog:    ProgPerfEvent,
	Scope:   ScopeProcess,
	Mech:    MechPerf,
	Perf:    &PerfEvent{Type: unix.PERF_TYPE_HARDWARE, Config: unix.PERF_COUNT_HW_CPU_CYCLES},
	AllCPUs: true,
	Listed:  true,
	PerfEvents: func() map[string]PerfEvent {
		hw := func(cfg, period uint64) PerfEvent { return PerfEvent{unix.PERF_TYPE_HARDWARE, cfg, period} }
		return map[string]PerfEvent{
			"cpu-cycles": hw(unix.PERF_COUNT_HW_CPU_CYCLES, 1000000), "cycles": hw(unix.PERF_COUNT_HW_CPU_CYCLES, 1000000),
			"instructions":        hw(unix.PERF_COUNT_HW_INSTRUCTIONS, 1000000),
			"cache-references":    hw(unix.PERF_COUNT_HW_CACHE_REFERENCES, 1000000),
			"cache-misses":        hw(unix.PERF_COUNT_HW_CACHE_MISSES, 1000000),
			"branch-instructions": hw(unix.PERF_COUNT_HW_BRANCH_INSTRUCTIONS, 100000), "branches": hw(unix.PERF_COUNT_HW_BRANCH_INSTRUCTIONS, 100000),
			"branch-misses":   hw(unix.PERF_COUNT_HW_BRANCH_MISSES, 100000),
			"bus-cycles":      hw(unix.PERF_COUNT_HW_BUS_CYCLES, 100000),
			"frontend-stalls": hw(unix.PERF_COUNT_HW_STALLED_CYCLES_FRONTEND, 1000000),
			"backend-stalls":  hw(unix.PERF_COUNT_HW_STALLED_CYCLES_BACKEND, 1000000),
			"ref-cycles":      hw(unix.PERF_COUNT_HW_REF_CPU_CYCLES, 1000000),
		}
	}(),
}
