package main

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
)

// Mistakes are reported against the script with a caret line and exit 1,
// never a panic, and nothing is loaded.
func TestE2EErrors(t *testing.T) {
	// at: the "stdin:L:C: error: " prefix; then the message, the source line
	// and the caret line.
	errCase := func(name, prog, at, msg string) e2eCase {
		hint := ""
		if m, h, ok := strings.Cut(msg, "|hint:"); ok {
			msg, hint = m, h
		}
		c := e2eCase{name: name, prog: prog, code: 1,
			errRe: `(?s)^` + at + `: error: [^\n]*` + msg + `[^\n]*\n +\d+ \| [^\n]*\n +\| +\^~*`}
		if hint != "" {
			c.check = func(t *testing.T, _, stderr string) {
				if !regexp.MustCompile(hint).MatchString(stderr) {
					t.Errorf("no hint matching %q in:\n%s", hint, stderr)
				}
			}
		}
		return c
	}
	cases := []e2eCase{
		errCase("unknown_function", `BEGIN { printff("x"); }`, `stdin:1:9`, `printff|hint:did you mean printf\b`),
		errCase("unknown_tracepoint_field", `tracepoint:syscalls:sys_enter_openat { printf("%s\n", str(args.filenme)); }`,
			`stdin:1:59`, `filenme|hint:did you mean args\.filename\b`),
		errCase("unknown_builtin", `BEGIN { @ = pidd; }`, `stdin:1:13`, `pidd|hint:did you mean pid\b`),
		errCase("unknown_tracepoint", `tracepoint:syscalls:sys_enter_opnat { }`, `stdin:1:1`, `does not exist|hint:did you mean syscalls:sys_enter_openat\?`),
		errCase("unknown_tracepoint_group", `tracepoint:shed:sched_switch { }`, `stdin:1:1`, `does not exist|hint:did you mean sched:sched_switch\?`),
		errCase("loop_bound_only_known_at_run_time", `BEGIN { @n = 5; $n = @n; $j = 0; while ($j < $n) { $j++; } }`,
			`stdin:1:34`, `could not prove that this loop ends|hint:constant bound`),
		errCase("map_with_and_without_keys", `BEGIN { @m = 1; @m[1] = 2; }`, `stdin:1:\d+`, `@m`),
		errCase("map_key_types_differ", `BEGIN { @m[1] = 1; @m["a"] = 2; }`, `stdin:1:\d+`, `@m`),
		errCase("printf_too_few_args", `BEGIN { printf("%d %d\n", 1); }`, `stdin:1:\d+`, ``),
		errCase("printf_too_many_args", `BEGIN { printf("%d\n", 1, 2); }`, `stdin:1:\d+`, ``),
		errCase("printf_string_for_int", `BEGIN { printf("%d\n", "abc"); }`, `stdin:1:\d+`, ``),
		errCase("system_needs_unsafe", `BEGIN { system("ls"); }`, `stdin:1:9`, `system\(\) is an unsafe function being used in safe mode|hint:run sonde with --unsafe`),
		errCase("signal_needs_unsafe", `tracepoint:syscalls:sys_enter_getpid { signal("SIGUSR1"); }`, `stdin:1:40`, `signal\(\) is an unsafe function being used in safe mode|hint:--unsafe`),
		errCase("signal_thread_needs_unsafe", `tracepoint:syscalls:sys_enter_getpid { signal_thread(9); }`, `stdin:1:40`, `signal_thread\(\) is an unsafe function being used in safe mode`),
		errCase("override_needs_unsafe", `tracepoint:syscalls:sys_enter_getpid { override(-1); }`, `stdin:1:40`, `override\(\) is an unsafe function being used in safe mode`),
		errCase("write_user_needs_unsafe", `tracepoint:syscalls:sys_enter_getpid { write_user(0, "x", 1); }`, `stdin:1:40`, `write_user\(\) is an unsafe function being used in safe mode`),
		errCase("bad_probe_type", `foo:bar { }`, `stdin:1:1`, `foo`),
		errCase("unknown_tracepoint", `tracepoint:syscalls:does_not_exist { }`, `stdin:1:1`, `does_not_exist`),
		errCase("parse_error", `BEGIN { @ = ; }`, `stdin:1:13`, ``),
		errCase("type_mismatch", `BEGIN { $x = 1; $x = "s"; }`, `stdin:1:22`, `\$x`),
		errCase("undefined_variable", `BEGIN { @ = $nope; }`, `stdin:1:13`, `\$nope`),
		errCase("aggregation_kind_mix", `BEGIN { @a = count(); @a = sum(1); }`, `stdin:1:\d+`, `@a`),
		errCase("bad_hist_bits", `BEGIN { @h = hist(1, 9); }`, `stdin:1:\d+`, ``),
		errCase("lhist_nonliteral", `BEGIN { $m = 10; @h = lhist(1, 0, $m, 1); }`, `stdin:1:\d+`, ``),
		errCase("args_outside_tracepoint", `BEGIN { @ = args.ret; }`, `stdin:1:\d+`, `args`),
		errCase("second_line", "BEGIN {\n  @a = 1;\n  @b = undefined_fn();\n}", `stdin:3:8`, `undefined_fn`),
		{name: "script_file_line", args: nil, code: 1,
			errRe: `(?s)^` + `testdata/e2e/error_line4\.bt:5:8: error: [^\n]*cnt.*\n +5 \| +@b = cnt\(\);\n +\| +\^`},
		{name: "usage_error_exit_2", flags: []string{"-f", "yaml"}, prog: `BEGIN { }`, code: 2, errRe: `yaml`},
	}
	cases[len(cases)-2].prog = "" // replaced below: runs a file
	for _, c := range cases {
		if c.name == "script_file_line" {
			t.Run(c.name, func(t *testing.T) {
				needRoot(t)
				out, errOut, code := sonde(t, filepath.Join("testdata", "e2e", "error_line4.bt"))
				checkRun(t, c, out, errOut, code)
			})
			continue
		}
		runE2E(t, []e2eCase{c})
	}
}

// Scripts from files, stdin, and with arguments; unsafe functions allowed
// with --unsafe; cat, errorf and warnf.
func TestE2EScriptsAndMisc(t *testing.T) {
	needRoot(t)
	t.Run("file_with_args", func(t *testing.T) {
		out, errOut, code := sonde(t, filepath.Join("testdata", "e2e", "args.bt"), "abc", "12")
		checkRun(t, e2eCase{prog: "args.bt", want: "file abc 12\n\n\n@n: 2\n"}, out, errOut, code)
	})
	t.Run("stdin", func(t *testing.T) {
		var out, errOut lockedBuffer
		code := run([]string{"-"}, stringsReader(`BEGIN { printf("from stdin\n"); }`), &out, &errOut)
		checkRun(t, e2eCase{prog: "-", want: "from stdin\n\n\n"}, out.String(), errOut.String(), code)
	})
	cat := filepath.Join("testdata", "e2e", "cat.txt")
	outFile := filepath.Join(t.TempDir(), "out.txt")
	runE2E(t, []e2eCase{
		{name: "system_unsafe", flags: []string{"--unsafe"},
			prog: `BEGIN { system("echo hi %d", 5); }`, want: "hi 5\n\n\n"},
		{name: "cat", prog: fmt.Sprintf(`BEGIN { cat("%s"); }`, cat),
			want: "hello from cat\nline 2\n\n\n"},
		{name: "errorf_warnf", prog: `BEGIN { errorf("bad %d", 5); warnf("careful"); }`,
			errRe: `(?s)stdin:1:9-28: ERROR: bad 5\n.*stdin:1:30-46: WARNING: careful\n`,
			want:  "\n\n"},
		{name: "output_file", flags: []string{"-o", outFile},
			prog: `BEGIN { printf("to file\n"); @ = 7; exit(); }`, want: "",
			check: func(t *testing.T, _, _ string) {
				// Everything stdout would hold goes to the file: printf,
				// the end of the run and the maps.
				b, err := os.ReadFile(outFile)
				if err != nil {
					t.Fatal(err)
				}
				if want := "to file\n\n\n@: 7\n"; string(b) != want {
					t.Errorf("%s holds %q, want %q", outFile, b, want)
				}
			}},
		{name: "dry_run", flags: []string{"--dry-run"},
			prog: `tracepoint:syscalls:sys_enter_getpid { @ = count(); }`, re: `^(\n\n)?$`},
	})
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
}

// A binary given as a script is rejected with a positioned error whose
// excerpt is short and escaped: no raw bytes reach the terminal.
func TestE2EBinaryScript(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "binary.bt")
	if err := os.WriteFile(file, data[:4096], 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := sonde(t, file)
	if code != 1 || !strings.HasPrefix(stderr, file+":1:") || len(stderr) > 400 {
		t.Fatalf("exit %d, %d bytes of stderr:\n%q", code, len(stderr), stderr)
	}
	for _, c := range []byte(stderr) {
		if (c < ' ' && c != '\n') || c >= 0x7f {
			t.Fatalf("raw byte %#x in the diagnostic:\n%q", c, stderr)
		}
	}
}

// With --unsafe, signal() and signal_thread() signal the process that hit
// the probe: the -c command's long sleep ends at once with the SIGTERM it
// is sent, and the run with it. (A signal the program sends is not seen by
// signal tracepoints: they do not fire inside another BPF program.)
func TestE2EUnsafeSignal(t *testing.T) {
	needRoot(t)
	for _, fn := range []string{"signal", "signal_thread"} {
		t.Run(fn, func(t *testing.T) {
			stdout, stderr, code := sondeTimeout(t, 30*time.Second, "--unsafe", "-q", "-c", "sleep 1000", "-e",
				`tracepoint:syscalls:sys_enter_clock_nanosleep /pid == cpid/ { `+fn+`("SIGTERM"); @ = count(); }`)
			if code != 0 || stdout != "\n\n@: 1\n" {
				t.Errorf("exit %d\nstdout %q\nstderr %s", code, stdout, stderr)
			}
		})
	}
}

// Without privileges a run says so in one plain line, whatever it traces;
// syntax errors are still reported as such.
func TestE2ENotRoot(t *testing.T) {
	needRoot(t) // to become nobody
	bin := sondeBinary(t)
	if err := os.Chmod(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ prog, want string }{
		{`BEGIN { printf("hi\n"); }`, "sonde: tracing needs root, or the CAP_BPF and CAP_PERFMON capabilities\n"},
		{`tracepoint:syscalls:sys_enter_getpid { @ = count(); }`, "sonde: tracing needs root, or the CAP_BPF and CAP_PERFMON capabilities\n"},
		{`profile:hz:99 { @ = count(); }`, "sonde: tracing needs root, or the CAP_BPF and CAP_PERFMON capabilities\n"},
		{`BEGIN { @ = ; }`, "stdin:1:13: error: unexpected `;`\n  1 | BEGIN { @ = ; }\n    |             ^\n"},
	} {
		cmd := exec.Command(bin, "-e", c.prog)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		if code := cmd.ProcessState.ExitCode(); code != 1 || stderr.String() != c.want {
			t.Errorf("%s: exit %d (%v)\nstderr %q\nwant   %q", c.prog, code, err, stderr.String(), c.want)
		}
	}
}
