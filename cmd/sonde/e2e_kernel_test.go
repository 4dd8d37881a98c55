package main

// Kernel probes and kernel types, end to end. TestE2EBTF* and the listing
// and fallback tests run on any kernel with BTF; TestKernel* need kprobes or
// fentry and run for real in the QEMU kernels of internal/vmtest (they skip
// here, where neither works).

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"sonde/runtime/attach"
)

// kernelWork returns a -c command running the test binary as a workload.
// Unlike e2eWorkCmd it needs no env(1), which the VM's initramfs lacks: the
// spec travels in the environment the child inherits.
func kernelWork(t *testing.T, spec string) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("SONDE_WORKLOAD", spec)
	// Go's asynchronous preemption signals with getpid+tgkill, which would
	// add to exact getpid counts (the holder passes this on to the child).
	t.Setenv("GODEBUG", "asyncpreemptoff=1")
	return exe
}

func needBTF(t *testing.T) {
	t.Helper()
	needRoot(t)
	if _, err := os.Stat("/sys/kernel/btf/vmlinux"); err != nil {
		t.Skip("kernel has no BTF (/sys/kernel/btf/vmlinux)")
	}
}

func needProbe(t *testing.T, provider string) {
	t.Helper()
	needBTF(t)
	if err := attach.Supported(provider); err != nil {
		t.Skipf("%v", err)
	}
}

// runKernelCase runs one script on a workload and returns its stdout.
func runKernelCase(t *testing.T, prog, work string, extra ...string) string {
	t.Helper()
	args := append([]string{"-q"}, extra...)
	if work != "" {
		args = append(args, "-c", kernelWork(t, work))
	}
	args = append(args, "-e", prog)
	stdout, stderr, code := sondeTimeout(t, 60*time.Second, args...)
	if code != 0 || strings.Contains(stderr, "panic") {
		t.Fatalf("exit %d\nprogram: %s\nstderr:\n%s\nstdout:\n%s", code, prog, stderr, stdout)
	}
	return stdout
}

// mapLine finds "@[key]: N" in stdout and returns N (-1 if absent).
func mapLine(stdout, key string) int64 {
	re := regexp.MustCompile(`(?m)^@\[` + regexp.QuoteMeta(key) + `\]: (-?\d+)$`)
	m := re.FindStringSubmatch(stdout)
	if m == nil {
		return -1
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

// curtask walks from a tracepoint and from tp_btf: the workload's parent is
// the test process, which started it (-c).
func TestE2EBTFCurtaskParent(t *testing.T) {
	needBTF(t)
	want := fmt.Sprintf("@[%d]: 5", os.Getpid())
	for _, prog := range []string{
		`tracepoint:syscalls:sys_enter_getpid /pid == cpid/ { @[curtask->real_parent->tgid] = count(); }`,
		`rawtracepoint:sys_enter /pid == cpid && args.id == 39/ { @[curtask->real_parent->tgid] = count(); }`,
		`tracepoint:syscalls:sys_enter_getpid /pid == cpid/ { @[((struct task_struct *)curtask)->real_parent->tgid] = count(); }`,
	} {
		out := runKernelCase(t, prog, "getpid:5")
		if strings.TrimSpace(out) != want {
			t.Errorf("%s:\ngot %q, want %q", prog, out, want)
		}
	}
	// The parent's thread that forked the workload is one of ours.
	out := runKernelCase(t, `tracepoint:syscalls:sys_enter_getpid /pid == cpid/ { @[curtask->real_parent->pid] = count(); }`, "getpid:1")
	m := regexp.MustCompile(`@\[(\d+)\]: 1`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("unexpected output %q", out)
	}
	if _, err := os.Stat("/proc/self/task/" + m[1]); err != nil {
		t.Errorf("real_parent->pid %s is not a thread of the test process (%d)", m[1], os.Getpid())
	}
}

// tp_btf arguments are typed: pointers to kernel structs walk with ->.
func TestE2EBTFRawTracepointArgs(t *testing.T) {
	needBTF(t)
	out := runKernelCase(t, `rawtracepoint:sched_process_exit /args.p->pid == cpid/ { @[args.p->tgid - cpid, args.p->comm] = count(); }`, "getpid:1")
	// Twice when the child's exec ran on another thread than its leader:
	// the old leader exits in de_thread with the same pid.
	want := fmt.Sprintf(`(?m)^@\[0, %s\]: [12]$`, regexp.QuoteMeta(exeComm(t)))
	if !regexp.MustCompile(want).MatchString(out) {
		t.Errorf("got %q, want a line matching %q", out, want)
	}
	// arg0..N read the same slots as args.
	out = runKernelCase(t, `rawtracepoint:sys_enter /pid == cpid/ { @[arg1 == args.id] = count(); }`, "getpid:3")
	if strings.Contains(out, "@[false]") || !strings.Contains(out, "@[true]") {
		t.Errorf("arg1 differs from args.id: %q", out)
	}
}

func TestE2EBTFEnumConstants(t *testing.T) {
	needBTF(t)
	runE2E(t, []e2eCase{
		{name: "enum_values", prog: `BEGIN { printf("%d %d\n", TCP_FIN_WAIT1, BPF_MAP_TYPE_STACK_TRACE); exit(); }`, want: "4 7\n\n\n"},
		{name: "enum_symbolic", prog: `BEGIN { print(BPF_MAP_TYPE_HASH); exit(); }`, want: "BPF_MAP_TYPE_HASH\n\n\n"},
		{name: "enum_unknown", prog: `BEGIN { print(BPF_MAP_TYPE_HASHH); exit(); }`, code: 1,
			errRe: `stdin:1:15: error: unknown identifier BPF_MAP_TYPE_HASHH`},
	})
}

// kstack under profile: a CPU-busy workload in the kernel (getpid in a loop)
// shows its syscall path, printed as bpftrace prints stacks.
func TestE2EKstackProfile(t *testing.T) {
	needRoot(t)
	if err := attach.Supported("profile"); err != nil {
		t.Skip(err)
	}
	frame := `        [A-Za-z_][A-Za-z0-9_.]*\+\d+\n`
	out := runKernelCase(t, `profile:hz:997 /pid == cpid/ { @[kstack] = count(); }`, "getpid:3000000")
	// User-mode samples have no kernel stack: @[]: N, as in bpftrace.
	if !regexp.MustCompile(`(?s)^\n\n(@\[(\n(` + frame + `)+)?\]: \d+\n)+$`).MatchString(out) {
		t.Fatalf("unexpected kstack output:\n%s", out)
	}
	if !strings.Contains(out, "do_syscall_64+") {
		t.Errorf("no do_syscall_64 frame in the workload's kernel stacks:\n%s", out)
	}

	out = runKernelCase(t, `profile:hz:997 /pid == cpid/ { @[kstack(perf, 3)] = count(); @v = kstack(raw, 2); }`, "getpid:2000000")
	perf := `\t[0-9a-f]+ [A-Za-z_][A-Za-z0-9_.]*\+\d+\n`
	if !regexp.MustCompile(`(?s)^\n\n(@\[(\n(` + perf + `){1,3})?\]: \d+\n)+@v: (\n([0-9a-f]+\n){1,2})?\n$`).MatchString(out) {
		t.Errorf("unexpected perf/raw kstack output:\n%q", out)
	}

	// JSON: the text of the stack as the key.
	out = runKernelCase(t, `profile:hz:997 /pid == cpid/ { @[kstack(2)] = count(); }`, "getpid:2000000", "-f", "json")
	if !regexp.MustCompile(`^\{"type": "map", "data": \{"@": \{"\\n *[A-Za-z_].*\+\d+\\n.*": \d+`).MatchString(out) {
		t.Errorf("unexpected JSON kstack output:\n%s", out)
	}
}

func TestE2EKernelListing(t *testing.T) {
	needBTF(t)
	for _, c := range []struct {
		args []string
		re   string
	}{
		{[]string{"-l", "fentry:vfs_rea*"}, `(?m)^fentry:vmlinux:vfs_read\n`},
		{[]string{"-l", "kretfunc:vfs_read"}, `^fexit:vmlinux:vfs_read\n$`},
		{[]string{"-lv", "fentry:vmlinux:vfs_read"}, `^fentry:vmlinux:vfs_read\n    struct file \* file\n    char \* buf\n    size_t count\n    loff_t \* pos\n    ssize_t retval\n$`},
		{[]string{"-l", "rawtracepoint:sched_switch"}, `^rawtracepoint:vmlinux:sched_switch\n$`},
		{[]string{"-lv", "rt:sched_switch"}, `^rawtracepoint:vmlinux:sched_switch\n    bool preempt\n    struct task_struct \* prev\n    struct task_struct \* next\n`},
		{[]string{"-l", "kprobe:vfs_rea*"}, `(?m)^kprobe:vfs_read\n`},
		{[]string{"-lv", "struct list_head"}, `^vmlinux: struct list_head \{\n\tstruct list_head \*next;\n\tstruct list_head \*prev;\n\};\n`},
		{[]string{"-l", "-e", `rt:sched_switch, tracepoint:syscalls:sys_enter_getpid { @ = count(); }`},
			`^rawtracepoint:sched_switch\ntracepoint:syscalls:sys_enter_getpid\n$`},
		// The probes a script would attach, whatever this kernel has.
		{[]string{"-l", "-e", `kprobe:vfs_read* { @[func] = count(); } fexit:vfs_readv { @r = retval; }`},
			`^kprobe:vfs_read\n(kprobe:vfs_read.*\n)*kprobe:vfs_readv\nfexit:vfs_readv\n$`},
	} {
		stdout, stderr, code := sonde(t, c.args...)
		if code != 0 || !regexp.MustCompile(c.re).MatchString(stdout) {
			t.Errorf("sonde %q: exit %d\nstdout:\n%s\nstderr:\n%s\nwant match %q", c.args, code, stdout, stderr, c.re)
		}
	}
}

// Where neither kprobes nor fentry work (this development kernel), a
// script says so at its position and attaches nothing.
func TestE2EKernelFallbackErrors(t *testing.T) {
	needBTF(t)
	if attach.Supported("kprobe") == nil || attach.Supported("fentry") == nil {
		t.Skip("this kernel has kprobes or fentry: the fallback error paths cannot be seen here")
	}
	runE2E(t, []e2eCase{
		{name: "kprobe", prog: `kprobe:vfs_read { @ = count(); }`, code: 1,
			errRe: `^stdin:1:1: error: kprobe:vfs_read: this kernel has no kprobes \(CONFIG_KPROBES is off\); fentry:vfs_read is not available either\n` +
				`  1 \| kprobe:vfs_read \{ @ = count\(\); \}\n    \| \^~+\n  = hint: fentry: .*\n$`},
		{name: "kretprobe", prog: `BEGIN { } kr:vfs_read { @ = count(); }`, code: 1,
			errRe: `stdin:1:11: error: kretprobe:vfs_read: this kernel has no kprobes \(CONFIG_KPROBES is off\); fexit:vfs_read is not available either`},
		{name: "fentry", prog: `fentry:vfs_read { @ = count(); }`, code: 1,
			errRe: `stdin:1:1: error: fentry:vfs_read: .*; kprobe:vfs_read is not available either\n(.*\n)*  = hint: kprobe: this kernel has no kprobes`},
		{name: "wildcard", prog: `kprobe:vfs_* { @ = count(); }`, code: 1,
			errRe: `stdin:1:1: error: kprobe:vfs_\*: this kernel has no kprobes`},
		{name: "offset", prog: `kprobe:vfs_read+4 { @ = count(); }`, code: 1,
			errRe: `stdin:1:1: error: kprobe:vfs_read\+4: this kernel has no kprobes \(CONFIG_KPROBES is off\); fentry cannot attach at an offset`},
	})
}

// ---- In real kernels with kprobes / fentry (internal/vmtest) ----

const (
	missingFile = "/nonexistent-sonde-vmtest"
	openCount   = 50
)

var longPath = "/" + strings.Repeat("x", 4200)

func TestKernelKprobeCountsOpens(t *testing.T) {
	needProbe(t, "kprobe")
	out := runKernelCase(t, `kprobe:do_sys_openat2 /pid == cpid/ { @[comm, str(arg1)] = count(); }`,
		fmt.Sprintf("open:%d:%s", openCount, missingFile))
	if n := mapLine(out, exeComm(t)+", "+missingFile); n != openCount {
		t.Errorf("counted %d opens of %s, want %d:\n%s", n, missingFile, openCount, out)
	}
	// The typed form: args.filename is a user pointer read with str().
	out = runKernelCase(t, `kprobe:do_sys_openat2 /pid == cpid/ { @[func, str(args.filename)] = count(); }`,
		fmt.Sprintf("open:%d:%s", openCount, missingFile))
	if n := mapLine(out, "do_sys_openat2, "+missingFile); n != openCount {
		t.Errorf("typed args: counted %d, want %d:\n%s", n, openCount, out)
	}
}

func TestKernelKretprobeRetval(t *testing.T) {
	needProbe(t, "kretprobe")
	// Opening a missing file returns -ENOENT; retval is typed long.
	// A path longer than PATH_MAX fails with -ENAMETOOLONG, which nothing
	// else the workload does returns; retval is typed long.
	out := runKernelCase(t, `kretprobe:do_sys_openat2 /pid == cpid/ { @[retval] = count(); }`,
		fmt.Sprintf("open:%d:%s", openCount, longPath))
	if n := mapLine(out, "-36"); n != openCount {
		t.Errorf("retval -36 counted %d times, want %d:\n%s", n, openCount, out)
	}
}

func TestKernelFentryArgs(t *testing.T) {
	needProbe(t, "fentry")
	out := runKernelCase(t, `fentry:vfs_read /pid == cpid/ { @[args.count, str(args.file->f_path.dentry->d_name.name)] = count(); }`,
		"read:20:4096")
	if n := mapLine(out, "4096, zero"); n != 20 {
		t.Errorf("fentry args: %d reads of 4096 bytes from zero, want 20:\n%s", n, out)
	}
	// A wildcard: one program per function, each typed by its prototype.
	out = runKernelCase(t, `fentry:vfs_read* /pid == cpid/ { @[func, probe] = count(); }`, "read:20:4096")
	if n := mapLine(out, "vfs_read, fentry:vfs_read"); n < 20 {
		t.Errorf("fentry:vfs_read*: vfs_read counted %d times, want at least 20:\n%s", n, out)
	}
}

func TestKernelFexitRetval(t *testing.T) {
	needProbe(t, "fexit")
	out := runKernelCase(t, `fexit:vfs_read /pid == cpid && args.count == 4096/ { @[retval, func] = count(); }`, "read:20:4096")
	if n := mapLine(out, "4096, vfs_read"); n != 20 {
		t.Errorf("fexit retval: got %d, want 20:\n%s", n, out)
	}
	out = runKernelCase(t, `fexit:do_sys_openat2 /pid == cpid/ { @[retval] = count(); }`,
		fmt.Sprintf("open:%d:%s", openCount, longPath))
	if n := mapLine(out, "-36"); n != openCount {
		t.Errorf("fexit signed retval -36: got %d, want %d:\n%s", n, openCount, out)
	}
}

// The file name through a cast of a kprobe register, as older scripts do.
func TestKernelKprobeStructCast(t *testing.T) {
	needProbe(t, "kprobe")
	out := runKernelCase(t, `kprobe:vfs_read /pid == cpid/ { @[str(((struct file *)arg0)->f_path.dentry->d_name.name)] = count(); }`,
		"read:20:4096")
	if n := mapLine(out, "zero"); n != 20 {
		t.Errorf("file name through a cast: got %d reads of zero, want 20:\n%s", n, out)
	}
}

// kprobe:vfs_* attaches to many functions and detaches cleanly, with
// kprobe_multi where the kernel has it and one link per function otherwise.
// The attach+detach times of both are logged for comparison.
func TestKernelKprobeWildcard(t *testing.T) {
	needProbe(t, "kprobe")
	for _, mode := range []string{"single", "multi"} {
		t.Run(mode, func(t *testing.T) {
			if mode == "single" {
				t.Setenv("SONDE_NO_KPROBE_MULTI", "1")
			} else if err := attach.Supported("kprobe_multi"); err != nil {
				t.Skip(err)
			}
			before := fdBPFObjects("self").count()
			start := time.Now()
			stdout, stderr, code := sondeTimeout(t, 120*time.Second, "--dry-run", "-e", `kprobe:vfs_* { @[func] = count(); }`)
			elapsed := time.Since(start)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			_ = stdout
			list, _, _ := sonde(t, "-l", "-e", `kprobe:vfs_* { @[func] = count(); }`)
			t.Logf("kprobe:vfs_* %s: %d functions, attach+detach %v", mode, strings.Count(list, "\n"), elapsed)
			if after := fdBPFObjects("self").count(); after != before {
				t.Errorf("BPF objects left open: %d before, %d after", before, after)
			}
			if b, err := os.ReadFile("/sys/kernel/tracing/kprobe_events"); err == nil && len(strings.TrimSpace(string(b))) > 0 {
				t.Errorf("kprobe events left behind:\n%s", b)
			}
			// arg2 of vfs_read is the byte count: an odd size only the
			// workload's own reads have.
			out := runKernelCase(t, `kprobe:vfs_* /pid == cpid/ { @[func, arg2] = count(); }`, "read:20:4093")
			n := mapLine(out, "vfs_read, 4093")
			if n != 20 {
				t.Errorf("vfs_read counted %d times, want 20:\n%s", n, out)
			}
		})
	}
}

// The fallbacks, in a kernel that has both mechanisms: with one turned off
// (SONDE_NO_FEATURE), kprobe scripts run through fentry and fentry scripts
// through kprobes, with a note on stderr, and count the same.
func TestKernelFallback(t *testing.T) {
	needProbe(t, "kprobe")
	needProbe(t, "fentry")
	for _, c := range []struct {
		off, prog, key, note string
	}{
		{"kprobe,kretprobe", `kprobe:vfs_read /pid == cpid/ { @[args.count] = count(); }`, "4096",
			"sonde: note: kprobe:vfs_read runs as fentry:vfs_read (turned off by SONDE_NO_FEATURE)\n"},
		{"kprobe,kretprobe", `kretprobe:vfs_read /pid == cpid/ { @[retval] = count(); }`, "4096",
			"sonde: note: kretprobe:vfs_read runs as fexit:vfs_read (turned off by SONDE_NO_FEATURE)\n"},
		{"fentry,fexit", `fentry:vfs_read /pid == cpid/ { @[args.count] = count(); }`, "4096",
			"sonde: note: fentry:vfs_read runs as kprobe:vfs_read (turned off by SONDE_NO_FEATURE)\n"},
		{"fentry,fexit", `fexit:vfs_read /pid == cpid/ { @[retval] = count(); }`, "4096",
			"sonde: note: fexit:vfs_read runs as kretprobe:vfs_read (turned off by SONDE_NO_FEATURE)\n"},
	} {
		t.Run(c.off+"/"+strings.Fields(c.prog)[0], func(t *testing.T) {
			t.Setenv("SONDE_NO_FEATURE", c.off)
			args := []string{"-q", "-c", kernelWork(t, "read:20:4096"), "-e", c.prog}
			stdout, stderr, code := sondeTimeout(t, 60*time.Second, args...)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			if stderr != c.note {
				t.Errorf("stderr %q, want %q", stderr, c.note)
			}
			if n := mapLine(stdout, c.key); n != 20 {
				t.Errorf("@[%s] = %d, want 20:\n%s", c.key, n, stdout)
			}
		})
	}
	// Both off: the plain error, nothing attached.
	t.Setenv("SONDE_NO_FEATURE", "kprobe,fentry")
	_, stderr, code := sonde(t, "-e", `kprobe:vfs_read { @ = count(); }`)
	if code != 1 || !strings.HasPrefix(stderr, "stdin:1:1: error: kprobe:vfs_read: turned off by SONDE_NO_FEATURE; fentry:vfs_read is not available either\n") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
}

func TestE2EInfo(t *testing.T) {
	needRoot(t)
	for _, args := range [][]string{{"--info"}, {"info"}} {
		stdout, stderr, code := sonde(t, args...)
		if code != 0 {
			t.Fatalf("sonde %v: exit %d\n%s", args, code, stderr)
		}
		for _, re := range []string{`(?m)^Kernel helpers\n  probe_read_kernel: (yes|no)\n`, `(?m)^Map types\n  hash: (yes|no)\n`,
			`(?m)^  stack_trace: (yes|no)$`, `(?m)^Probe types\n  tracepoint: (yes|no.*)\n  rawtracepoint: `,
			`(?m)^  kprobe: (yes|no \(.+\))$`, `(?m)^  fentry: (yes|no \(.+\))$`, `(?m)^  kprobe_multi: `} {
			if !regexp.MustCompile(re).MatchString(stdout) {
				t.Errorf("sonde %v: output does not match %q:\n%s", args, re, stdout)
			}
		}
	}
}

// kstack in kernel-function probes: the stack leads back through the
// read(2) path.
func TestKernelKstack(t *testing.T) {
	needProbe(t, "kprobe")
	progs := []string{`kprobe:vfs_read /pid == cpid/ { @[kstack(4)] = count(); }`}
	if attach.Supported("fentry") == nil {
		progs = append(progs, `fentry:vfs_read /pid == cpid/ { @[kstack(4)] = count(); }`)
	}
	for _, prog := range progs {
		out := runKernelCase(t, prog, "read:20:4093")
		if !regexp.MustCompile(`(?m)^        ksys_read\+\d+$`).MatchString(out) {
			t.Errorf("%s: no ksys_read frame:\n%s", prog, out)
		}
	}
}
