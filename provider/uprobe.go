package provider

var uprobe = &Provider{
	Name:      "uprobe",
	Aliases:   []string{"u"},
	Form:      "uprobe:BINARY:FUNCTION",
	Forms:     []string{"uprobe:BINARY:FUNCTION", "uprobe:BINARY:FUNCTION+OFFSET", "uprobe:BINARY:0xADDRESS", "uprobe:BINARY@FILE:LINE"},
	Doc:       "the entry of a function in a user binary or library, found through PATH, the dynamic linker cache (libc) or, with -p, the process's mappings (`*` is every file it maps); C++ and Go names, wildcards in the function and the path; arg0..arg5 read the argument registers; with debug info (-g, a .gnu_debuglink or --debuginfo file), args.NAME is the argument typed by DWARF, casts reach the program's own types, and BINARY@FILE:LINE probes a source line",
	Example:   `uprobe:/bin/bash:readline { @[pid] = count(); }`,
	Expand:    ExpandELF,
	Prog:      ProgKprobe,
	Context:   CtxRegs,
	Args:      ArgsRegs,
	Func:      FuncSymbol,
	UserSpace: true,
	Scope:     ScopeProcess,
	Mech:      MechUprobe,
}
