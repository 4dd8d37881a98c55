package provider

var uretprobe = &Provider{
	Name:      "uretprobe",
	Aliases:   []string{"ur"},
	Form:      "uretprobe:BINARY:FUNCTION",
	Forms:     []string{"uretprobe:BINARY:FUNCTION"},
	Doc:       "the return of a function in a user binary or library: retval is its return value, typed by the function's DWARF when the binary has debug info",
	Example:   `uretprobe:/bin/bash:readline { printf("%d\n", retval); }`,
	Expand:    ExpandELF,
	Prog:      ProgKprobe,
	Context:   CtxRegs,
	Return:    true,
	Func:      FuncSymbol,
	UserSpace: true,
	Scope:     ScopeProcess,
	Mech:      MechUprobe,
}
