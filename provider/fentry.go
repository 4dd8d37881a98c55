package provider

var fentry = &Provider{
	Name:       "fentry",
	Aliases:    []string{"f", "kfunc"},
	Form:       "fentry:[MODULE:]FUNCTION",
	Doc:        "The entry of a kernel function through a BPF trampoline: args.NAME typed from BTF.",
	Example:    `fentry:vfs_read { @[comm] = sum(args.count); }`,
	Expand:     ExpandBTFFuncs,
	Prog:       ProgTracing,
	AttachType: AttachFEntry,
	AttachTo:   true,
	Context:    CtxArgs,
	Args:       ArgsBTF,
	Func:       FuncKernel,
	Alt:        "kprobe",
	Scope:      ScopeFilter,
	Mech:       MechTracing,
}
