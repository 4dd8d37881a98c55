package provider

var test = &Provider{
	Name:   "test",
	Form:   "test:NAME",
	Doc:    "bpftrace's probes for its own tests; not in sonde.",
	NotYet: "they belong to bpftrace's own test suite",
}
