package provider

var fexit = &Provider{
	Name:       "fexit",
	Aliases:    []string{"fr", "kretfunc"},
	Form:       "fexit:[MODULE:]FUNCTION",
	Forms:      []string{"fexit:[MODULE:]FUNCTION"},
	Doc:        "the return of a kernel function through BPF trampolines: the arguments (args.NAME) and retval, typed from BTF",
	Example:    `fexit:vfs_read /retval > 0/ { @[comm] = sum(retval); }`,
	Expand:     ExpandBTFFuncs,
	Prog:       ProgTracing,
	AttachType: AttachFExit,
	AttachTo:   true,
	Context:    CtxArgs,
	Args:       ArgsBTF,
	Return:     true,
	Func:       FuncKernel,
	Alt:        "kretprobe",
	Scope:      ScopeFilter,
	Mech:       MechTracing,
}
