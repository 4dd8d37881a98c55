package provider

var tracepoint = &Provider{
	Name:       "tracepoint",
	Aliases:    []string{"t", "tp"},
	Form:       "tracepoint:GROUP:EVENT",
	Doc:        "A kernel tracepoint from tracefs; args.NAME are the fields of its format (sonde -lv shows them). GROUP and EVENT may be wildcards.",
	Example:    `tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }`,
	Expand:     ExpandTracefs,
	Prog:       ProgTracepoint,
	Context:    CtxTracepoint,
	Args:       ArgsTracepoint,
	UserGroups: []string{"syscalls"},
	Scope:      ScopeFilter,
	Mech:       MechTracepoint,
	Listed:     true,
	ListsBare:  true,
}
