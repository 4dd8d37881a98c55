package provider

var bench = &Provider{
	Name:   "bench",
	Form:   "bench:NAME",
	Doc:    "bpftrace's micro-benchmark probes; not in sonde yet.",
	NotYet: "sonde has no benchmark runner for scripts yet",
}
