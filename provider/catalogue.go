package provider

// all is the catalogue, in the order sonde info lists it: adding a provider
// is its file plus one line here.
var all = []*Provider{
	tracepoint,
	rawtracepoint,
	kprobe,
	kretprobe,
	fentry,
	fexit,
	uprobe,
	uretprobe,
	usdt,
	profile,
	interval,
	software,
	hardware,
	iter,
	begin,
	end,
	self,
	watchpoint,
	test,
	bench,
}
