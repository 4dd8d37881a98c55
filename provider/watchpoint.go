package provider

var watchpoint = &Provider{
	Name:    "watchpoint",
	Aliases: []string{"w"},
	Form:    "watchpoint:ADDRESS:LENGTH:MODE",
	Doc:     "A hardware watchpoint on a memory address (bpftrace); not in sonde yet.",
	NotYet:  "sonde does not set hardware breakpoints yet",
}
