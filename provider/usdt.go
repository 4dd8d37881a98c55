package provider

var usdt = &Provider{
	Name:      "usdt",
	Exact:     []string{"U"},
	Form:      "usdt:BINARY:[PROVIDER:]PROBE",
	Doc:       "A USDT (static user-space) probe from a binary's .note.stapsdt notes; argN read as the note says. Semaphores are set while attached.",
	Example:   `usdt:*:myapp:request { printf("%s\n", str(arg0)); }`,
	Expand:    ExpandUSDT,
	Prog:      ProgKprobe,
	Context:   CtxRegs,
	Args:      ArgsUSDT,
	UserSpace: true,
	Scope:     ScopeProcess,
	Mech:      MechUprobe,
}
