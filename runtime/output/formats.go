package output

// FormatDoc documents an output format, as `sonde -f NAME` selects it.
type FormatDoc struct {
	Name    string
	Summary string
	Example string // a script worth running in this format; the tests compile every one
}

// Formats documents the output formats, text first (the default).
var Formats = []FormatDoc{
	{Name: "text",
		Summary: "bpftrace's text output: printf as written, maps dumped at exit sorted by value (`@[comm]: 12`), hist and lhist as bar charts, the \"Attached N probes\" banner on stderr",
		Example: `tracepoint:syscalls:sys_exit_read /args.ret > 0/ { @bytes = hist(args.ret); }`},
	{Name: "json",
		Summary: "newline-delimited JSON, one object a line, as bpftrace's -f json: {\"type\": \"attached_probes\"}, {\"type\": \"printf\"}, {\"type\": \"map\"}, {\"type\": \"hist\"}, {\"type\": \"stats\"}..., each with its data",
		Example: `tracepoint:syscalls:sys_enter_openat { @[comm] = count(); printf("%s\n", str(args.filename)); }`},
	{Name: "folded",
		Summary: "maps keyed by kstack or ustack (alone or with other keys) as FlameGraph folded lines, `comm;root;...;leaf COUNT`, bare function names, user frames then kernel frames, as flamegraph.pl, speedscope and inferno read them; other maps as text. --flamegraph FILE.svg and --report FILE.html draw pictures at exit with any format",
		Example: `profile:hz:99 { @[comm, kstack] = count(); }`},
}
