package provider

var begin = &Provider{
	Name:    "begin",
	Form:    "begin",
	Doc:     "BEGIN runs once, when the probes are attached and before any other probe fires.",
	Example: `BEGIN { printf("tracing...\n"); }`,
	Expand:  ExpandNone,
	Prog:    ProgRawTracepoint,
	Scope:   ScopeNone,
	Run:     RunAtStart,
	Mech:    MechTestRun,
}
