package provider

var uprobe = &Provider{
	Name:    "uprobe",
	Aliases: []string{"u"},
	Form:    "uprobe:BINARY:FUNCTION",
	Doc: "The entry of a function in a user binary or library (found through PATH, the linker cache and -p's mappings): " +
		"argN are the argument registers. FUNCTION may be a wildcard, an address or symbol+offset.",
	Example:   `uprobe:libc:malloc { @ = hist(arg0); }`,
	Expand:    ExpandELF,
	Prog:      ProgKprobe,
	Context:   CtxRegs,
	Args:      ArgsRegs,
	Func:      FuncSymbol,
	UserSpace: true,
	Scope:     ScopeProcess,
	Mech:      MechUprobe,
}
