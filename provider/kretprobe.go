package provider

var kretprobe = &Provider{
	Name:           "kretprobe",
	Aliases:        []string{"kr"},
	Form:           "kretprobe:[MODULE:]FUNCTION",
	Doc:            "The return of a kernel function: retval, typed from BTF where it has the function.",
	Example:        `kretprobe:vfs_read { @ = hist(retval); }`,
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
