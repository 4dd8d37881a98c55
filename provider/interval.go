package provider

import "golang.org/x/sys/unix"

var interval = &Provider{
	Name:    "interval",
	Aliases: []string{"i"},
	Form:    "interval:UNIT:N or interval:DURATION",
	Doc:     "Fires once per period (s:1, ms:100, 1s) or at a rate (hz:10), on one CPU: for printing and clearing maps.",
	Example: `tracepoint:syscalls:sys_enter_read { @ = count(); } interval:s:1 { print(@); clear(@); }`,
	Expand:  ExpandRate,
	Prog:    ProgPerfEvent,
	Scope:   ScopeProcess,
	Mech:    MechPerf,
	Perf:    &PerfEvent{Type: unix.PERF_TYPE_SOFTWARE, Config: unix.PERF_COUNT_SW_CPU_CLOCK},
}
