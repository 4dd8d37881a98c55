package provider

var uretprobe = &Provider{
	Name:      "uretprobe",
	Aliases:   []string{"ur"},
	Form:      "uretprobe:BINARY:FUNCTION",
	Doc:       "The return of a function in a user binary or library: retval.",
	Example:   `uretprobe:libc:malloc { @ = hist(retval); }`,
	Expand:    ExpandELF,
	Prog:      ProgKprobe,
	Context:   CtxRegs,
	Return:    true,
	Func:      FuncSymbol,
	UserSpace: true,
	Scope:     ScopeProcess,
	Mech:      MechUprobe,
}
