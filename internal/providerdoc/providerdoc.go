// Package providerdoc documents the probe providers: how each is written,
// what it traces, what its probes can read, and an example. It is a leaf
// (no imports) so the parser, the compiler and the reference generator can
// all read it; the entries are keyed by canonical provider name, and move
// into the providers' own descriptors when those exist.
package providerdoc

// Doc documents one provider.
type Doc struct {
	Forms   []string // the attach points it takes, as written
	Summary string   // what it traces and what its probes read
	Example string   // a whole script; the tests compile every one
}

// Docs is keyed by canonical provider name (plan.Provider*).
var Docs = map[string]Doc{
	"begin": {Forms: []string{"BEGIN"},
		Summary: "runs once, before any other probe fires",
		Example: `BEGIN { printf("tracing; Ctrl-C to stop\n"); }`},
	"end": {Forms: []string{"END"},
		Summary: "runs once when tracing stops (Ctrl-C, exit(), the end of -c's command), before the maps are printed",
		Example: `tracepoint:syscalls:sys_enter_openat { @ = count(); } END { printf("%d opens\n", @); clear(@); }`},
	"self": {Forms: []string{"self:signal:SIGUSR1"},
		Summary: "runs in sonde each time sonde receives SIGUSR1, as `kill -USR1 $(pidof sonde)` sends it: a way to print or reset maps on demand",
		Example: `tracepoint:syscalls:sys_enter_openat { @[comm] = count(); } self:signal:SIGUSR1 { print(@); clear(@); }`},
	"tracepoint": {Forms: []string{"tracepoint:GROUP:EVENT"},
		Summary: "a static kernel tracepoint (see `sonde -l 'tracepoint:*'`); wildcards expand against tracefs; args.FIELD reads the record's fields, typed from the event's format file (`sonde -lv` lists them)",
		Example: `tracepoint:syscalls:sys_enter_openat { printf("%s %s\n", comm, str(args.filename)); }`},
	"rawtracepoint": {Forms: []string{"rawtracepoint:[MODULE:]TRACEPOINT"},
		Summary: "a kernel tracepoint without the tracefs record (tp_btf): args.NAME reads the tracepoint's arguments, typed from BTF",
		Example: `rawtracepoint:sched_switch { @[args.prev] = count(); }`},
	"kprobe": {Forms: []string{"kprobe:[MODULE:]FUNCTION", "kprobe:FUNCTION+OFFSET"},
		Summary: "the entry of a kernel function; wildcards expand against the traceable functions and share one kprobe_multi link where the kernel has it; arg0..arg5 read the registers, args.NAME the arguments typed from the function's BTF prototype; runs as fentry where the kernel lacks kprobes",
		Example: `kprobe:vfs_read { @[comm] = sum(args.count); }`},
	"kretprobe": {Forms: []string{"kretprobe:[MODULE:]FUNCTION"},
		Summary: "the return of a kernel function: retval is its return value (typed from BTF); runs as fexit where the kernel lacks kretprobes",
		Example: `kretprobe:vfs_read /retval > 0/ { @ = hist(retval); }`},
	"fentry": {Forms: []string{"fentry:[MODULE:]FUNCTION"},
		Summary: "the entry of a kernel function through BPF trampolines: args.NAME reads the arguments, typed from BTF, with struct walks (args.file->f_path); runs as a kprobe where fentry cannot load",
		Example: `fentry:vfs_read { @[comm] = sum(args.count); }`},
	"fexit": {Forms: []string{"fexit:[MODULE:]FUNCTION"},
		Summary: "the return of a kernel function through BPF trampolines: the arguments (args.NAME) and retval, typed from BTF",
		Example: `fexit:vfs_read /retval > 0/ { @[comm] = sum(retval); }`},
	"uprobe": {Forms: []string{"uprobe:BINARY:FUNCTION", "uprobe:BINARY:FUNCTION+OFFSET", "uprobe:BINARY:0xADDRESS"},
		Summary: "the entry of a function in a user binary or library, found through PATH, the dynamic linker cache (libc) or, with -p, the process's mappings (`*` is every file it maps); C++ and Go names, wildcards; arg0..arg5 read the argument registers",
		Example: `uprobe:/bin/bash:readline { @[pid] = count(); }`},
	"uretprobe": {Forms: []string{"uretprobe:BINARY:FUNCTION"},
		Summary: "the return of a function in a user binary or library: retval is its return value",
		Example: `uretprobe:/bin/bash:readline { printf("%d\n", retval); }`},
	"usdt": {Forms: []string{"usdt:BINARY:[PROVIDER:]PROBE"},
		Summary: "a user statically defined tracepoint (.note.stapsdt) of a binary; sonde turns its semaphore on; arg0..argN read the probe's arguments as its note describes them",
		Example: `usdt:/usr/bin/app:myapp:request { @[arg0] = count(); }`},
	"profile": {Forms: []string{"profile:hz:N", "profile:s:N", "profile:ms:N", "profile:us:N", "profile:DURATION"},
		Summary: "a timer on every CPU, N times a second (hz) or every N units: samples what the CPUs run",
		Example: `profile:hz:99 { @[kstack] = count(); }`},
	"interval": {Forms: []string{"interval:s:N", "interval:ms:N", "interval:us:N", "interval:hz:N", "interval:DURATION"},
		Summary: "a timer on one CPU: runs every N units, to print or reset maps periodically",
		Example: `tracepoint:syscalls:sys_enter_openat { @ = count(); } interval:s:1 { print(@); clear(@); }`},
	"software": {Forms: []string{"software:EVENT", "software:EVENT:COUNT"},
		Summary: "a software perf event on every CPU (cpu-clock, task-clock, page-faults, context-switches, cpu-migrations, minor-faults, major-faults, alignment-faults, emulation-faults, dummy, bpf-output), every COUNT occurrences",
		Example: `software:page-faults:100 { @[comm] = count(); }`},
	"hardware": {Forms: []string{"hardware:EVENT", "hardware:EVENT:COUNT"},
		Summary: "a hardware perf counter on every CPU (cpu-cycles, instructions, cache-references, cache-misses, branch-instructions, branch-misses, bus-cycles, frontend-stalls, backend-stalls, ref-cycles), every COUNT events; virtual machines often have none",
		Example: `hardware:cache-misses:1000000 { @[comm] = count(); }`},
	"iter": {Forms: []string{"iter:NAME"},
		Summary: "walks kernel objects once (task, task_file, task_vma...) and ends the run; ctx is struct bpf_iter__NAME *; it cannot be mixed with other probes",
		Example: `iter:task { @[ctx->task->comm] = count(); }`},
}
