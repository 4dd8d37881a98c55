package provider

var rawtracepoint = &Provider{
	Name:       "rawtracepoint",
	Aliases:    []string{"rt"},
	Form:       "rawtracepoint:[MODULE:]FUNCTION",
	Forms:      []string{"rawtracepoint:[MODULE:]TRACEPOINT"},
	Doc:        "a kernel tracepoint without the tracefs record (tp_btf): args.NAME reads the tracepoint's arguments, typed from BTF",
	Example:    `rawtracepoint:sched_switch { @[args.prev] = count(); }`,
	Expand:     ExpandBTFRawTracepoints,
	Prog:       ProgTracing,
	AttachType: AttachRawTp,
	AttachTo:   true,
	Context:    CtxArgs,
	Args:       ArgsBTF,
	Scope:      ScopeFilter,
	Mech:       MechRawTracepoint,
}
