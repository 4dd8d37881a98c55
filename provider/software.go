package provider

import "golang.org/x/sys/unix"

var software = &Provider{
	Name:    "software",
	Aliases: []string{"s"},
	Form:    "software:EVENT[:COUNT]",
	Forms:   []string{"software:EVENT", "software:EVENT:COUNT"},
	Doc:     "a software perf event on every CPU (cpu-clock, task-clock, page-faults, context-switches, cpu-migrations, minor-faults, major-faults, alignment-faults, emulation-faults, dummy, bpf-output), every COUNT occurrences",
	Example: `software:page-faults:100 { @[comm] = count(); }`,
	Expand:  ExpandPerfEvent,
	Prog:    ProgPerfEvent,
	Scope:   ScopeProcess,
	Mech:    MechPerf,
	Perf:    &PerfEvent{Type: unix.PERF_TYPE_SOFTWARE, Config: unix.PERF_COUNT_SW_CPU_CLOCK},
	AllCPUs: true,
	Listed:  true,
	PerfEvents: func() map[string]PerfEvent {
		sw := func(cfg, period uint64) PerfEvent { return PerfEvent{unix.PERF_TYPE_SOFTWARE, cfg, period} }
		return map[string]PerfEvent{
			"cpu-clock": sw(unix.PERF_COUNT_SW_CPU_CLOCK, 1000000), "cpu": sw(unix.PERF_COUNT_SW_CPU_CLOCK, 1000000),
			"task-clock":  sw(unix.PERF_COUNT_SW_TASK_CLOCK, 1),
			"page-faults": sw(unix.PERF_COUNT_SW_PAGE_FAULTS, 100), "faults": sw(unix.PERF_COUNT_SW_PAGE_FAULTS, 100),
			"context-switches": sw(unix.PERF_COUNT_SW_CONTEXT_SWITCHES, 1000), "cs": sw(unix.PERF_COUNT_SW_CONTEXT_SWITCHES, 1000),
			"cpu-migrations":   sw(unix.PERF_COUNT_SW_CPU_MIGRATIONS, 1),
			"minor-faults":     sw(unix.PERF_COUNT_SW_PAGE_FAULTS_MIN, 100),
			"major-faults":     sw(unix.PERF_COUNT_SW_PAGE_FAULTS_MAJ, 1),
			"alignment-faults": sw(unix.PERF_COUNT_SW_ALIGNMENT_FAULTS, 1),
			"emulation-faults": sw(unix.PERF_COUNT_SW_EMULATION_FAULTS, 1),
			"dummy":            sw(unix.PERF_COUNT_SW_DUMMY, 1),
			"bpf-output":       sw(unix.PERF_COUNT_SW_BPF_OUTPUT, 1),
		}
	}(),
}
