package main

// End-to-end tests of user-space probes: uprobe, uretprobe and usdt on
// targets the tests build themselves (testdata/user: a C program with a
// shared library and USDT probes, a Go program), checking exact values.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// userTargets are the compiled test targets.
type userTargets struct {
	dir      string
	Exe      string // utarget: PIE, frame pointers, linked against Lib
	Lib      string // libutarget.so
	Stripped string // a stripped copy of Exe
	NoPIE    string // Exe linked at a fixed address (-no-pie)
}

// buildUserTargets compiles testdata/user into a temporary directory, or
// skips the test when there is no C compiler or no <sys/sdt.h>.
func buildUserTargets(t *testing.T) userTargets {
	t.Helper()
	needRoot(t)
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("no C compiler (cc) to build the user-probe targets")
	}
	if _, err := os.Stat("/usr/include/x86_64-linux-gnu/sys/sdt.h"); err != nil {
		if _, err := os.Stat("/usr/include/sys/sdt.h"); err != nil {
			t.Skip("no <sys/sdt.h> (install systemtap-sdt-dev)")
		}
	}
	src, err := filepath.Abs("testdata/user")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	u := userTargets{dir: dir, Exe: filepath.Join(dir, "utarget"), Lib: filepath.Join(dir, "libutarget.so"),
		Stripped: filepath.Join(dir, "utarget-stripped"), NoPIE: filepath.Join(dir, "utarget-nopie")}
	flags := []string{"-O1", "-g", "-fno-omit-frame-pointer", "-fno-inline"}
	runCmd(t, cc, append(flags, "-shared", "-fPIC", "-o", u.Lib, filepath.Join(src, "ulib.c"))...)
	runCmd(t, cc, append(flags, "-o", u.Exe, filepath.Join(src, "utarget.c"), "-L"+dir, "-lutarget", "-Wl,-rpath,"+dir)...)
	runCmd(t, cc, append(flags, "-no-pie", "-o", u.NoPIE, filepath.Join(src, "utarget.c"), "-L"+dir, "-lutarget", "-Wl,-rpath,"+dir)...)
	runCmd(t, "cp", u.Exe, u.Stripped)
	runCmd(t, "strip", u.Stripped)
	return u
}

func runCmd(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

func TestE2EUSDT(t *testing.T) {
	u := buildUserTargets(t)
	exe := u.Exe
	run3 := exe + " 3"
	runE2E(t, []e2eCase{
		{name: "args", cmd: run3,
			prog: fmt.Sprintf(`usdt:%s:sonde:plain { printf("%%d %%d %%d %%s\n", arg0, arg1, (int16)arg2, str(arg3)); }`, exe),
			want: "1 20 -1 alpha\n2 40 -2 be\n3 60 -3 gamma\n\n\n"},
		{name: "signed-arg-is-u64", cmd: exe + " 1",
			prog: fmt.Sprintf(`usdt:%s:sonde:plain { print(arg2); }`, exe),
			want: "18446744073709551615\n\n\n"},
		{name: "rip-relative-global", cmd: run3,
			prog: fmt.Sprintf(`usdt:%s:sonde:global { printf("%%d\n", arg0); }`, exe),
			want: "100\n101\n102\n\n\n"},
		{name: "semaphore", cmd: run3,
			prog: fmt.Sprintf(`usdt:%s:sonde:guarded { printf("%%d %%d\n", arg0, arg1); }`, exe),
			want: "1 5\n2 5\n3 5\n\n\n"},
		{name: "no-provider", cmd: run3,
			prog: fmt.Sprintf(`usdt:%s:guarded { @ = count(); }`, exe),
			want: "\n\n@: 3\n"},
		{name: "wildcard", cmd: run3,
			prog: fmt.Sprintf(`U:%s:sonde:* { @[probe] = count(); }`, exe),
			// Equal counts print in probe order, which is note (address) order.
			want: fmt.Sprintf("\n\n@[usdt:%[1]s:sonde:plain]: 3\n@[usdt:%[1]s:sonde:global]: 3\n@[usdt:%[1]s:sonde:guarded]: 3\n", exe)},
		{name: "missing-arg", cmd: run3, code: 1,
			prog:  fmt.Sprintf(`usdt:%s:sonde:guarded { print(arg2); }`, exe),
			errRe: `^stdin:1:\d+: error: sonde:guarded has 2 arguments: arg2 does not exist\n`},
		{name: "missing-probe", cmd: run3, code: 1,
			prog:  fmt.Sprintf(`usdt:%s:sonde:gaurded { print(arg0); }`, exe),
			errRe: `^stdin:1:1: error: .*has no USDT probe sonde:gaurded\n(.*\n){2}  = hint: did you mean sonde:guarded\?\n$`},
		{name: "no-notes", cmd: run3, code: 1,
			prog:  fmt.Sprintf(`usdt:%s:x:y { }`, u.Lib),
			errRe: `has no USDT probes`},
	})
}

// startWaiting starts the C target waiting on its stdin: start() lets it
// run its rounds, after which it waits for the end of the test.
func startWaiting(t *testing.T, exe string, rounds int) (cmd *exec.Cmd, start func()) {
	t.Helper()
	cmd = exec.Command(exe, fmt.Sprint(rounds), "wait")
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		in.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	// Wait for the dynamic linker to have mapped the library.
	for i := 0; ; i++ {
		maps, _ := os.ReadFile(fmt.Sprintf("/proc/%d/maps", cmd.Process.Pid))
		if strings.Contains(string(maps), "libutarget.so") {
			break
		}
		if i == 200 {
			t.Fatal("the target did not map libutarget.so within 2s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return cmd, func() { in.Write([]byte("go\n")) }
}

// sondeAttached runs sonde in-process and calls then() once it has
// attached its probes; it returns what sonde printed and its exit code.
func sondeAttached(t *testing.T, then func(), args ...string) (string, string, int) {
	t.Helper()
	var out, errOut lockedBuffer
	ch := make(chan int, 1)
	go func() { ch <- run(args, strings.NewReader(""), &out, &errOut) }()
	deadline := time.After(10 * time.Second)
	for attached := false; ; {
		select {
		case code := <-ch:
			return out.String(), errOut.String(), code
		case <-deadline:
			t.Fatalf("sonde did not exit within 10s\nargs: %q\nstderr: %s", args, errOut.String())
		case <-time.After(5 * time.Millisecond):
			if !attached && strings.Contains(errOut.String(), "Attached") {
				attached = true
				then()
			}
		}
	}
}

func TestE2EUSDTPid(t *testing.T) {
	u := buildUserTargets(t)
	cmd, start := startWaiting(t, u.Exe, 3)
	// The guarded probe needs its semaphore set in the running process;
	// "*" is every file the process has mapped.
	prog := `usdt:*:guarded { printf("%d %d\n", pid, arg0); if (arg0 == 3) { exit(); } }`
	stdout, stderr, code := sondeAttached(t, start, "-p", fmt.Sprint(cmd.Process.Pid), "-e", prog)
	if code != 0 {
		t.Fatalf("exit code %d\n%s", code, stderr)
	}
	p := cmd.Process.Pid
	if want := fmt.Sprintf("%d 1\n%d 2\n%d 3\n\n\n", p, p, p); stdout != want {
		t.Errorf("stdout:\n%s", diffText(want, stdout))
	}
}

func TestE2EUprobe(t *testing.T) {
	u := buildUserTargets(t)
	exe, lib := u.Exe, u.Lib
	run3 := exe + " 3"
	runE2E(t, []e2eCase{
		{name: "count", cmd: run3, prog: fmt.Sprintf(`uprobe:%s:add { @ = count(); }`, exe),
			want: "\n\n@: 3\n"},
		{name: "alias-and-relative-path", cmd: run3, prog: fmt.Sprintf(`u:%s:add { @ = count(); }`, exe),
			want: "\n\n@: 3\n"},
		{name: "args", cmd: run3, prog: fmt.Sprintf(`uprobe:%s:add { printf("%%d %%d\n", arg0, arg1); }`, exe),
			want: "1 10\n2 10\n3 10\n\n\n"},
		{name: "retval", cmd: run3, prog: fmt.Sprintf(`uretprobe:%s:add { printf("%%d\n", retval); }`, exe),
			want: "11\n12\n13\n\n\n"},
		{name: "str-reads-user-memory", cmd: run3,
			prog: fmt.Sprintf(`uprobe:%s:str_len { printf("%%s\n", str(arg0)); }`, exe),
			want: "alpha\nbe\ngamma\n\n\n"},
		{name: "str-len", cmd: run3,
			prog: fmt.Sprintf(`uprobe:%s:str_len { printf("%%s|\n", str(arg0, 2)); }`, exe),
			want: "al..|\nbe|\nga..|\n\n\n"}, // truncated strings end in ".."
		{name: "retval-map", cmd: run3,
			prog: fmt.Sprintf(`uretprobe:%s:str_len { @[retval] = count(); }`, exe),
			want: "\n\n@[2]: 1\n@[5]: 2\n"},
		{name: "shared-library", cmd: run3,
			prog: fmt.Sprintf(`uprobe:%[1]s:lib_mul { printf("%%d*%%d", arg0, arg1); } uretprobe:%[1]s:lib_mul { printf("=%%d\n", retval); }`, lib),
			want: "1*3=3\n2*3=6\n3*3=9\n\n\n"},
		{name: "wildcard", cmd: run3, prog: fmt.Sprintf(`uprobe:%s:level* { @[probe] = count(); }`, exe),
			want: fmt.Sprintf("\n\n@[uprobe:%[1]s:level1]: 3\n@[uprobe:%[1]s:level2]: 3\n@[uprobe:%[1]s:level3]: 3\n", exe)},
		{name: "offset", cmd: run3, prog: fmt.Sprintf(`uprobe:%s:add+0 { @ = count(); }`, exe),
			want: "\n\n@: 3\n"},
		{name: "quoted-name-with-offset", cmd: run3, prog: fmt.Sprintf(`uprobe:%s:"add"+0 { @ = count(); }`, exe),
			want: "\n\n@: 3\n"},
		// missing_probes = warn or ignore skips a function the binary does
		// not have (and a tracepoint that does not exist); the rest run.
		{name: "missing-probes-warn", cmd: run3,
			prog: fmt.Sprintf(`config = { missing_probes = "warn" } uprobe:%[1]s:add, uprobe:%[1]s:no_such_fn, tracepoint:nonsense:nonsense { @ = count(); }`, exe),
			want: "\n\n@: 3\n",
			errRe: fmt.Sprintf(`^stdin:1:\d+-\d+: WARNING: No matches for uprobe %[1]s:no_such_fn\. Skipping: .*no function "no_such_fn"\n`+
				`stdin:1:\d+-\d+: WARNING: No matches for tracepoint nonsense:nonsense\. Skipping: .*\nAttached 1 probe\n$`, regexpQuote(exe))},
		{name: "missing-probes-ignore", cmd: run3,
			prog: fmt.Sprintf(`config = { missing_probes = "ignore" } uprobe:%[1]s:add, uprobe:%[1]s:no_such_fn { @ = count(); }`, exe),
			want: "\n\n@: 3\n", errRe: `^Attached 1 probe\n$`},
		{name: "missing-probes-error", cmd: run3, code: 1,
			prog:  fmt.Sprintf(`uprobe:%[1]s:add, uprobe:%[1]s:no_such_fn { @ = count(); }`, exe),
			errRe: `error: .*no function "no_such_fn"`},
		// Probes on one function run in the order the script declares them.
		{name: "declaration-order", cmd: run3,
			prog: fmt.Sprintf(`uprobe:%[1]s:add { printf("1"); } uprobe:%[1]s:add { printf("2"); } uretprobe:%[1]s:add { printf("3"); } uretprobe:%[1]s:add { printf("4\n"); }`, exe),
			want: "1234\n1234\n1234\n\n\n"},
		// -c holds the command before its first instruction: main's
		// entry is seen.
		{name: "c-from-first-instruction", cmd: run3,
			prog: fmt.Sprintf(`uprobe:%s:main { @ = count(); } uprobe:%s:add /pid == cpid/ { @a = count(); }`, exe, exe),
			want: "\n\n@: 1\n@a: 3\n"},
		{name: "ustack", cmd: exe + " 3 linger",
			prog: fmt.Sprintf(`uprobe:%s:level3 { @[ustack(3)] = count(); }`, exe),
			re:   `^\n\n@\[\n        level3\+0\n        level1\+\d+\n        main\+\d+\n\]: 3\n$`},
		{name: "ustack-perf", cmd: exe + " 1 linger",
			prog: fmt.Sprintf(`uprobe:%s:level3 { @[ustack(perf, 2)] = count(); }`, exe),
			re:   fmt.Sprintf(`^\n\n@\[\n\t[0-9a-f]+ level3\+0 \(%[1]s\)\n\t[0-9a-f]+ level1\+\d+ \(%[1]s\)\n\]: 1\n$`, regexpQuote(exe))},
		{name: "ustack-raw", cmd: exe + " 1",
			prog: fmt.Sprintf(`uprobe:%s:level3 { @[ustack(raw, 2)] = count(); }`, exe),
			re:   `^\n\n@\[\n[0-9a-f]{6,}\n[0-9a-f]{6,}\n\]: 1\n$`},
		{name: "ustack-printf", cmd: exe + " 1 linger",
			prog: fmt.Sprintf(`uprobe:%s:level3 { printf("%%s", ustack(2)); }`, exe),
			re:   `^\n        level3\+0\n        level1\+\d+\n\n\n$`},
		{name: "usym-uaddr", cmd: exe + " 3 linger",
			prog: fmt.Sprintf(`uprobe:%s:add { printf("%%s %%s %%d\n", usym(uaddr("add")), usym(uaddr("level1") + 3), *uaddr("counter")); }`, exe),
			want: "add level1 100\nadd level1 101\nadd level1 102\n\n\n"},
		{name: "uaddr-uretprobe", cmd: exe + " 2",
			prog: fmt.Sprintf(`uretprobe:%s:add { printf("%%d\n", *uaddr("counter")); }`, exe),
			want: "100\n101\n\n\n"},
		{name: "usym-json", cmd: exe + " 1 linger", flags: []string{"-f", "json"},
			prog: fmt.Sprintf(`uprobe:%s:add { @[usym(uaddr("add"))] = count(); }`, exe),
			re:   `(?m)^\{"type": "map", "data": \{"@": \{"add": 1\}\}\}$`},
		{name: "ustack-json", cmd: exe + " 1 linger", flags: []string{"-f", "json"},
			prog: fmt.Sprintf(`uprobe:%s:level3 { @[ustack(2)] = count(); }`, exe),
			re:   `(?m)^\{"type": "map", "data": \{"@": \{"\\n        level3\+0\\n        level1\+\d+\\n": 1\}\}\}$`},
	})
}

func regexpQuote(s string) string { return regexp.QuoteMeta(s) }

// -p attaches to the process's own mappings: its library is found by
// name, and its symbols resolve while it lives.
func TestE2EUprobePid(t *testing.T) {
	u := buildUserTargets(t)
	cmd, start := startWaiting(t, u.Exe, 3)
	p := cmd.Process.Pid
	prog := fmt.Sprintf(`uprobe:libutarget:lib_mul { printf("%%d %%d\n", pid, arg0); }
uprobe:%s:level3 { @[ustack(2)] = count(); if (arg0 == 3) { exit(); } }`, u.Exe)
	stdout, stderr, code := sondeAttached(t, start, "-p", fmt.Sprint(p), "-e", prog)
	if code != 0 {
		t.Fatalf("exit code %d\n%s", code, stderr)
	}
	want := regexp.MustCompile(fmt.Sprintf(`^%[1]d 1\n%[1]d 2\n%[1]d 3\n\n\n@\[\n        level3\+0\n        level1\+\d+\n\]: 3\n$`, p))
	if !want.MatchString(stdout) {
		t.Errorf("stdout:\n%s", stdout)
	}
}

// A Go program: functions come from its symbol table (or pclntab).
func TestE2EUprobeGo(t *testing.T) {
	needRoot(t)
	dir := t.TempDir()
	exe := filepath.Join(dir, "gotarget")
	goTool := filepath.Join(goRoot(t), "bin", "go")
	cmd := exec.Command(goTool, "build", "-o", exe, "testdata/user/gotarget.go")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	runE2E(t, []e2eCase{
		{name: "count", cmd: exe + " 5", prog: fmt.Sprintf(`uprobe:%s:main.double { @ = count(); }`, exe),
			want: "\n\n@: 5\n"},
		{name: "wildcard", cmd: exe + " 2", prog: fmt.Sprintf(`uprobe:%s:main.d* { @[probe] = count(); }`, exe),
			want: fmt.Sprintf("\n\n@[uprobe:%s:main.double]: 2\n", exe)},
	})
}

func goRoot(t *testing.T) string {
	t.Helper()
	if r := runtimeGOROOT(); r != "" {
		return r
	}
	t.Skip("no Go toolchain")
	return ""
}

func runtimeGOROOT() string {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err == nil {
		return strings.TrimSpace(string(out))
	}
	if _, err := os.Stat("/usr/local/go/bin/go"); err == nil {
		return "/usr/local/go"
	}
	return ""
}

// bashreadline: the lines an interactive bash reads, from readline's
// return value, with bash driven on a pseudo-terminal.
func TestE2EBashReadline(t *testing.T) {
	needRoot(t)
	const bash = "/bin/bash"
	if out, _, _ := sonde(t, "-l", "uprobe:"+bash+":readline"); !strings.Contains(out, ":readline") {
		t.Skip(bash + " has no readline symbol (built without readline, or stripped)")
	}
	master, slave, err := openPTY()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer master.Close()
	cmd := exec.Command(bash, "--norc", "--noprofile", "-i")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.Env = []string{"TERM=dumb", "HOME=/", "PS1=$ ", "HISTFILE=/dev/null"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	// readline prints the prompt: once it shows, bash is inside readline.
	prompt := make(chan struct{})
	go func() {
		buf := make([]byte, 4096)
		seen := []byte{}
		for {
			n, err := master.Read(buf)
			if err != nil {
				return
			}
			if seen != nil {
				seen = append(seen, buf[:n]...)
				if strings.Contains(string(seen), "$ ") {
					close(prompt)
					seen = nil
				}
			}
		}
	}()
	select {
	case <-prompt:
	case <-time.After(5 * time.Second):
		t.Fatal("bash printed no prompt")
	}
	prog := `uretprobe:/bin/bash:readline { printf("%s\n", str(retval)); if (str(retval) == "exit") { exit(); } }`
	// bash is inside readline when the probe is attached, and a
	// uretprobe only sees returns of calls entered after it, so the first
	// line goes unseen.
	stdout, stderr, code := sondeAttached(t, func() {
		for _, l := range []string{"unseen", "echo hello from sonde", "true", "exit"} {
			master.Write([]byte(l + "\n"))
			time.Sleep(50 * time.Millisecond)
		}
	}, "-p", fmt.Sprint(cmd.Process.Pid), "-e", prog)
	if code != 0 {
		t.Fatalf("exit code %d\n%s", code, stderr)
	}
	// A slow bash may still not be in readline: then the first line shows.
	stdout = strings.TrimPrefix(stdout, "unseen\n")
	if want := "echo hello from sonde\ntrue\nexit\n\n\n"; stdout != want {
		t.Errorf("stdout:\n%s", diffText(want, stdout))
	}
}

// openPTY opens a pseudo-terminal pair.
func openPTY() (master, slave *os.File, err error) {
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, err
	}
	fd := int(m.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		m.Close()
		return nil, nil, err
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		m.Close()
		return nil, nil, err
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		return nil, nil, err
	}
	return m, s, nil
}

// Mistakes in user probes: one error at the script position, a hint
// where one helps, nothing attached.
func TestE2EUserErrors(t *testing.T) {
	u := buildUserTargets(t)
	exe := u.Exe
	runE2E(t, []e2eCase{
		{name: "missing-binary", code: 1, prog: `uprobe:no_such_binary_here:f { }`,
			errRe: `^stdin:1:1: error: uprobe target "no_such_binary_here": no such file in PATH\n`},
		{name: "missing-file", code: 1, prog: `uprobe:/no/such/file:f { }`,
			errRe: `^stdin:1:1: error: uprobe target "/no/such/file": no such file\n`},
		{name: "missing-library", code: 1, prog: `uprobe:libno_such_lib:f { }`,
			errRe: `^stdin:1:1: error: uprobe target "libno_such_lib": no such library in /etc/ld.so.cache or the library directories\n`},
		{name: "not-elf", code: 1, prog: `uprobe:/etc/passwd:f { }`,
			errRe: `^stdin:1:1: error: uprobe target "/etc/passwd": not an ELF file\n`},
		{name: "missing-symbol", code: 1, prog: fmt.Sprintf(`uprobe:%s:levl1 { }`, exe),
			errRe: fmt.Sprintf(`^stdin:1:1: error: %s: no function "levl1"\n.*\n.*\n  = hint: did you mean level1\?\n$`, regexp.QuoteMeta(exe))},
		{name: "stripped", code: 1, prog: fmt.Sprintf(`uprobe:%s:level1 { }`, u.Stripped),
			errRe: `^stdin:1:1: error: .*utarget-stripped: stripped binary: no symbol table\n(.*\n){2}  = hint: probe an unstripped build, or install its debug symbols\n$`},
		{name: "library-symbol-hint", code: 1,
			prog:  fmt.Sprintf(`uprobe:%s:lib_mull { }`, u.Lib),
			errRe: `hint: did you mean lib_mul\?`},
		{name: "wildcard-matches-nothing", code: 1, prog: fmt.Sprintf(`uprobe:%s:zz* { }`, exe),
			errRe: `^stdin:1:1: error: no function in .* matches zz\*\n`},
		{name: "uaddr-missing", code: 1, prog: fmt.Sprintf(`uprobe:%s:add { @ = uaddr("no_such_global"); }`, exe),
			errRe: `^stdin:1:\d+: error: uaddr: .*: no symbol "no_such_global"\n`},
		{name: "uaddr-not-uprobe", code: 1, prog: `BEGIN { @ = uaddr("x"); }`,
			errRe: `^stdin:1:\d+: error: uaddr\(\) is only available in uprobe, uretprobe and usdt probes\n`},
		{name: "exited-process", code: 1, flags: []string{"-p", "4194303"}, prog: fmt.Sprintf(`uprobe:%s:add { }`, exe),
			errRe: `^sonde: -p 4194303: no such process\n$`},
	})
}

// -p ends the run when the process exits, printing the maps.
func TestE2EPidExit(t *testing.T) {
	u := buildUserTargets(t)
	cmd, start := startWaiting(t, u.Exe, 2)
	stdout, stderr, code := sondeAttached(t, func() {
		start()
		// Let the rounds run, then let the process end.
		time.Sleep(100 * time.Millisecond)
		cmd.Process.Signal(syscall.SIGTERM)
	}, "-p", fmt.Sprint(cmd.Process.Pid), "-e", fmt.Sprintf(`uprobe:%s:add { @ = count(); }`, u.Exe))
	if code != 0 {
		t.Fatalf("exit code %d\n%s", code, stderr)
	}
	if want := "\n\n@: 2\n"; stdout != want {
		t.Errorf("stdout:\n%s", diffText(want, stdout))
	}
}

// C++: functions are matched by their demangled names, quoted as probe
// components since they hold colons; "cpp:" is bpftrace's language tag.
func TestE2EUprobeCpp(t *testing.T) {
	needRoot(t)
	cxx, err := exec.LookPath("c++")
	if err != nil {
		t.Skip("no C++ compiler (c++)")
	}
	exe := filepath.Join(t.TempDir(), "cls")
	runCmd(t, cxx, "-O1", "-o", exe, "testdata/user/cls.cc")
	runE2E(t, []e2eCase{
		{name: "demangled", cmd: exe + " 3", prog: fmt.Sprintf(`uprobe:%s:"app::Cls::get" { @ = count(); }`, exe),
			want: "\n\n@: 3\n"},
		{name: "cpp-tag-and-args", cmd: exe + " 3", prog: fmt.Sprintf(`uprobe:%s:cpp:"app::Cls::set" { @[arg1] = count(); }`, exe),
			want: "\n\n@[0]: 1\n@[1]: 1\n@[2]: 1\n"},
		{name: "wildcard", cmd: exe + " 2", prog: fmt.Sprintf(`uprobe:%s:"app::Cls::*" { @ = count(); }`, exe),
			want: "\n\n@: 4\n"},
	})
}

// -l lists a binary's functions and USDT probes, as bpftrace -l does.
func TestE2EUserList(t *testing.T) {
	u := buildUserTargets(t)
	for _, c := range []struct{ pattern, want string }{
		{"uprobe:" + u.Exe + ":level*", fmt.Sprintf("uprobe:%[1]s:level1\nuprobe:%[1]s:level2\nuprobe:%[1]s:level3\n", u.Exe)},
		{"uprobe:" + u.Lib + ":lib_*", fmt.Sprintf("uprobe:%s:lib_mul\n", u.Lib)},
		{"usdt:" + u.Exe + ":*", fmt.Sprintf("usdt:%[1]s:sonde:global\nusdt:%[1]s:sonde:guarded\nusdt:%[1]s:sonde:plain\n", u.Exe)},
		{"usdt:" + u.Exe + ":sonde:g*", fmt.Sprintf("usdt:%[1]s:sonde:global\nusdt:%[1]s:sonde:guarded\n", u.Exe)},
	} {
		out, stderr, code := sonde(t, "-l", c.pattern)
		if code != 0 || out != c.want {
			t.Errorf("-l %s: exit %d\n%s\n%s", c.pattern, code, diffText(c.want, out), stderr)
		}
	}
}

// With -c, user probes trace the command only, as in bpftrace: the same
// binary running outside sonde at the same time is not counted.
func TestE2EUprobeChildOnly(t *testing.T) {
	u := buildUserTargets(t)
	other := exec.Command("sh", "-c", "while :; do "+u.Exe+" 2 >/dev/null; done")
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { other.Process.Kill(); other.Wait() }()
	runE2E(t, []e2eCase{
		{name: "uprobe", cmd: u.Exe + " 3", prog: fmt.Sprintf(`uprobe:%s:add { @ = count(); }`, u.Exe),
			want: "\n\n@: 3\n"},
		{name: "uretprobe", cmd: u.Exe + " 3", prog: fmt.Sprintf(`uretprobe:%s:add { @[retval] = count(); }`, u.Exe),
			want: "\n\n@[11]: 1\n@[12]: 1\n@[13]: 1\n"},
	})
}

// The user stacks of a -c command symbolize on every run, though the
// command has exited long before the map is printed: sonde reads its
// mappings while it is held at its exit. A non-PIE command sits at the
// addresses sonde's own holder had before the exec, whose symbols must
// never name its frames.
func TestE2EUstackExitedCommand(t *testing.T) {
	u := buildUserTargets(t)
	want := regexp.MustCompile(`^\n\n@\[\n        level3\+0\n        level1\+\d+\n        main\+\d+\n\]: 3\n$`)
	for _, exe := range []string{u.Exe, u.NoPIE} {
		for i := 0; i < 8; i++ {
			stdout, stderr, code := sondeTimeout(t, 30*time.Second, "-q", "-c", exe+" 3",
				"-e", fmt.Sprintf(`uprobe:%s:level3 { @[ustack(3)] = count(); }`, exe))
			if code != 0 || !want.MatchString(stdout) {
				t.Fatalf("%s, run %d: exit %d\nstdout:\n%s\nstderr:\n%s", filepath.Base(exe), i, code, stdout, stderr)
			}
		}
	}
}
