package provider

var self = &Provider{
	Name:    "self",
	Form:    "self:signal:SIGUSR1",
	Doc:     "self:signal:SIGUSR1 runs each time sonde receives SIGUSR1 (the only signal, as in bpftrace).",
	Example: `tracepoint:syscalls:sys_enter_write { @ = count(); } self:signal:SIGUSR1 { print(@); }`,
	Expand:  ExpandSignal,
	Prog:    ProgRawTracepoint,
	Scope:   ScopeProcess,
	Run:     RunOnSignal,
	Mech:    MechTestRun,
}
