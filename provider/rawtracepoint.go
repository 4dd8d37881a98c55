package provider

var rawtracepoint = &Provider{
	Name:       "rawtracepoint",
	Aliases:    []string{"rt"},
	Form:       "rawtracepoint:[MODULE:]FUNCTION",
	Doc:        "A raw tracepoint, loaded as tp_btf: its arguments typed from BTF as args.NAME and argN.",
	Example:    `rawtracepoint:sched_switch { @[args.preempt] = count(); }`,
	Expand:     ExpandBTFRawTracepoints,
	Prog:       ProgTracing,
	AttachType: AttachRawTp,
	AttachTo:   true,
	Context:    CtxArgs,
	Args:       ArgsBTF,
	Scope:      ScopeFilter,
	Mech:       MechRawTracepoint,
}
