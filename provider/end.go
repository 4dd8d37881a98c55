package provider

var end = &Provider{
	Name:    "end",
	Form:    "end",
	Forms:   []string{"END"},
	Doc:     "runs once when tracing stops (Ctrl-C, exit(), the end of -c's command), before the maps are printed",
	Example: `tracepoint:syscalls:sys_enter_openat { @ = count(); } END { printf("%d opens\n", @); clear(@); }`,
	Expand:  ExpandNone,
	Prog:    ProgRawTracepoint,
	Scope:   ScopeNone,
	Run:     RunAtEnd,
	Mech:    MechTestRun,
}
