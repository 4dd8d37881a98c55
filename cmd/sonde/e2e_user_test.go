package main

// End-to-end tests of user-space probes: uprobe, uretprobe and usdt on
// targets the tests build themselves (testdata/user: a C program with a
// shared library and USDT probes, a Go program), checking exact values.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// userTargets are the compiled test targets.
type userTargets struct {
	dir      string
	Exe      string // utarget: PIE, frame pointers, linked against Lib
	Lib      string // libutarget.so
	Stripped string // a stripped copy of Exe
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
		Stripped: filepath.Join(dir, "utarget-stripped")}
	flags := []string{"-O1", "-g", "-fno-omit-frame-pointer", "-fno-inline"}
	runCmd(t, cc, append(flags, "-shared", "-fPIC", "-o", u.Lib, filepath.Join(src, "ulib.c"))...)
	runCmd(t, cc, append(flags, "-o", u.Exe, filepath.Join(src, "utarget.c"), "-L"+dir, "-lutarget", "-Wl,-rpath,"+dir)...)
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
			errRe: `^stdin:1:1: error: .*has no USDT probe sonde:gaurded; did you mean sonde:guarded\?\n`},
		{name: "no-notes", cmd: run3, code: 1,
			prog:  fmt.Sprintf(`usdt:%s:x:y { }`, u.Lib),
			errRe: `has no USDT probes`},
	})
}

// startWaiting starts the C target waiting on its stdin; writing a line
// starts its rounds. The process is killed at the end of the test.
func startWaiting(t *testing.T, exe string, rounds int) (*exec.Cmd, func()) {
	t.Helper()
	cmd := exec.Command(exe, fmt.Sprint(rounds), "wait")
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd, func() { in.Write([]byte("go\n")); in.Close() }
}

// sondeAttached runs sonde in-process and calls then() once it has
// attached its probes; it returns what sonde printed and its exit code.
func sondeAttached(t *testing.T, then func(), args ...string) (string, string, int) {
	t.Helper()
	type result struct {
		code int
	}
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
	// The guarded probe needs its semaphore set in the running process.
	prog := fmt.Sprintf(`usdt:%s:sonde:guarded { printf("%%d %%d\n", pid, arg0); if (arg0 == 3) { exit(); } }`, u.Exe)
	stdout, stderr, code := sondeAttached(t, start, "-p", fmt.Sprint(cmd.Process.Pid), "-e", prog)
	if code != 0 {
		t.Fatalf("exit code %d\n%s", code, stderr)
	}
	p := cmd.Process.Pid
	if want := fmt.Sprintf("%d 1\n%d 2\n%d 3\n\n\n", p, p, p); stdout != want {
		t.Errorf("stdout:\n%s", diffText(want, stdout))
	}
}
