package provider

var kprobe = &Provider{
	Name:    "kprobe",
	Aliases: []string{"k"},
	Form:    "kprobe:[MODULE:]FUNCTION",
	Doc: "The entry of a kernel function, or an offset into it (kprobe:fn+0x10). argN are the argument registers, " +
		"args.NAME typed from BTF; a wildcard shares one program (one kprobe_multi link where the kernel has it).",
	Example:        `kprobe:vfs_read { @[func] = count(); }`,
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
