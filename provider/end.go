package provider

var end = &Provider{
	Name:    "end",
	Form:    "end",
	Doc:     "END runs once, when the run ends (Ctrl-C, exit(), -c's command exits), before the maps print.",
	Example: `END { printf("done\n"); }`,
	Expand:  ExpandNone,
	Prog:    ProgRawTracepoint,
	Scope:   ScopeNone,
	Run:     RunAtEnd,
	Mech:    MechTestRun,
}
