package provider

var fentry = &Provider{
	Name:       "fentry",
	Aliases:    []string{"f", "kfunc"},
	Form:       "fentry:[MODULE:]FUNCTION",
	Forms:      []string{"fentry:[MODULE:]FUNCTION"},
	Doc:        "the entry of a kernel function through BPF trampolines: args.NAME reads the arguments, typed from BTF, with struct walks (args.file->f_path); runs as a kprobe where fentry cannot load",
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
