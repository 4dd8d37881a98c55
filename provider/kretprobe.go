package provider

var kretprobe = &Provider{
	Name:           "kretprobe",
	Aliases:        []string{"kr"},
	Form:           "kretprobe:[MODULE:]FUNCTION",
	Forms:          []string{"kretprobe:[MODULE:]FUNCTION"},
	Doc:            "the return of a kernel function: retval is its return value (typed from BTF); runs as fexit where the kernel lacks kretprobes",
	Example:        `kretprobe:vfs_read /retval > 0/ { @ = hist(retval); }`,
	Expand:         ExpandKallsyms,
	Prog:           ProgKprobe,
	Context:        CtxRegs,
	Args:           ArgsBTF,
	Return:         true,
	Func:           FuncKernel,
	Alt:            "fexit",
	SharedWildcard: true,
	Scope:          ScopeFilter,
	Mech:           MechKprobe,
}
