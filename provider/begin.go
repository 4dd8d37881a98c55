package provider

var begin = &Provider{
	Name:    "begin",
	Form:    "begin",
	Forms:   []string{"BEGIN"},
	Doc:     "runs once, before any other probe fires",
	Example: `BEGIN { printf("tracing; Ctrl-C to stop\n"); }`,
	Expand:  ExpandNone,
	Prog:    ProgRawTracepoint,
	Scope:   ScopeNone,
	Run:     RunAtStart,
	Mech:    MechTestRun,
}
