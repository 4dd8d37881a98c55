package provider

var usdt = &Provider{
	Name:      "usdt",
	Exact:     []string{"U"},
	Form:      "usdt:BINARY:[PROVIDER:]PROBE",
	Forms:     []string{"usdt:BINARY:[PROVIDER:]PROBE"},
	Doc:       "a user statically defined tracepoint (.note.stapsdt) of a binary; sonde turns its semaphore on; arg0..argN read the probe's arguments as its note describes them",
	Example:   `usdt:/usr/bin/app:myapp:request { @[arg0] = count(); }`,
	Expand:    ExpandUSDT,
	Prog:      ProgKprobe,
	Context:   CtxRegs,
	Args:      ArgsUSDT,
	UserSpace: true,
	Scope:     ScopeProcess,
	Mech:      MechUprobe,
}
