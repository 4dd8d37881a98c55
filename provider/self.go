package provider

var self = &Provider{
	Name:    "self",
	Form:    "self:signal:SIGUSR1",
	Forms:   []string{"self:signal:SIGUSR1"},
	Doc:     "runs in sonde each time sonde receives SIGUSR1, as `kill -USR1 $(pidof sonde)` sends it: a way to print or reset maps on demand",
	Example: `tracepoint:syscalls:sys_enter_openat { @[comm] = count(); } self:signal:SIGUSR1 { print(@); clear(@); }`,
	Expand:  ExpandSignal,
	Prog:    ProgRawTracepoint,
	Scope:   ScopeProcess,
	Run:     RunOnSignal,
	Mech:    MechTestRun,
}
