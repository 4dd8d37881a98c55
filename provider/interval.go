package provider

import "golang.org/x/sys/unix"

var interval = &Provider{
	Name:    "interval",
	Aliases: []string{"i"},
	Form:    "interval:UNIT:N or interval:DURATION",
	Forms:   []string{"interval:s:N", "interval:ms:N", "interval:us:N", "interval:hz:N", "interval:DURATION"},
	Doc:     "a timer on one CPU: runs every N units, to print or reset maps periodically",
	Example: `tracepoint:syscalls:sys_enter_openat { @ = count(); } interval:s:1 { print(@); clear(@); }`,
	Expand:  ExpandRate,
	Prog:    ProgPerfEvent,
	Scope:   ScopeWallClock,
	Mech:    MechPerf,
	Perf:    &PerfEvent{Type: unix.PERF_TYPE_SOFTWARE, Config: unix.PERF_COUNT_SW_CPU_CLOCK},
}
