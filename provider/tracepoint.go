package provider

var tracepoint = &Provider{
	Name:       "tracepoint",
	Aliases:    []string{"t", "tp"},
	Form:       "tracepoint:GROUP:EVENT",
	Forms:      []string{"tracepoint:GROUP:EVENT"},
	Doc:        "a static kernel tracepoint (see `sonde -l 'tracepoint:*'`); wildcards expand against tracefs; args.FIELD reads the record's fields, typed from the event's format file (`sonde -lv` lists them)",
	Example:    `tracepoint:syscalls:sys_enter_openat { printf("%s %s\n", comm, str(args.filename)); }`,
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
