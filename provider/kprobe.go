package provider

var kprobe = &Provider{
	Name:           "kprobe",
	Aliases:        []string{"k"},
	Form:           "kprobe:[MODULE:]FUNCTION",
	Forms:          []string{"kprobe:[MODULE:]FUNCTION", "kprobe:FUNCTION+OFFSET"},
	Doc:            "the entry of a kernel function; wildcards expand against the traceable functions and share one kprobe_multi link where the kernel has it; arg0..arg5 read the registers, args.NAME the arguments typed from the function's BTF prototype; runs as fentry where the kernel lacks kprobes",
	Example:        `kprobe:vfs_read { @[comm] = sum(args.count); }`,
	Expand:         ExpandKallsyms,
	Prog:           ProgKprobe,
	Context:        CtxRegs,
	Args:           ArgsBTF,
	Func:           FuncKernel,
	Offset:         true,
	Alt:            "fentry",
	SharedWildcard: true,
	Scope:          ScopeFilter,
	Mech:           MechKprobe,
}
