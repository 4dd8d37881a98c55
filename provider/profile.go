package provider

import "golang.org/x/sys/unix"

var profile = &Provider{
	Name:    "profile",
	Aliases: []string{"p"},
	Form:    "profile:UNIT:N or profile:DURATION",
	Doc:     "Samples every CPU at a rate (hz:99) or period (ms:10, us:100, s:1, 10ms): kstack and ustack of what runs there.",
	Example: `profile:hz:99 { @[kstack] = count(); }`,
	Expand:  ExpandRate,
	Prog:    ProgPerfEvent,
	Context: CtxRegs,
	Scope:   ScopeProcess,
	Mech:    MechPerf,
	Perf:    &PerfEvent{Type: unix.PERF_TYPE_SOFTWARE, Config: unix.PERF_COUNT_SW_CPU_CLOCK},
	AllCPUs: true,
}
