package provider

import "golang.org/x/sys/unix"

var profile = &Provider{
	Name:    "profile",
	Aliases: []string{"p"},
	Form:    "profile:UNIT:N or profile:DURATION",
	Forms:   []string{"profile:hz:N", "profile:s:N", "profile:ms:N", "profile:us:N", "profile:DURATION"},
	Doc:     "a timer on every CPU, N times a second (hz) or every N units: samples what the CPUs run",
	Example: `profile:hz:99 { @[kstack] = count(); }`,
	Expand:  ExpandRate,
	Prog:    ProgPerfEvent,
	Context: CtxRegs,
	Scope:   ScopeProcess,
	Mech:    MechPerf,
	Perf:    &PerfEvent{Type: unix.PERF_TYPE_SOFTWARE, Config: unix.PERF_COUNT_SW_CPU_CLOCK},
	AllCPUs: true,
}
