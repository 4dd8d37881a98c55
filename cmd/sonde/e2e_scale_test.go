package main

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Issue 15: many probes, run after run. -v shows where a run's time goes.
func TestE2EVerbosePhases(t *testing.T) {
	runE2E(t, []e2eCase{{
		name:  "phases and verifier counts",
		prog:  `tracepoint:syscalls:sys_enter_getpid { @ = count(); } BEGIN { exit(); }`,
		flags: []string{"-v"},
		re:    `^\n`,
		errRe: `(?m)^Attached 2 probes\n` +
			`sonde: phases: parse [0-9.]+(ms|µs), check [0-9.]+(ms|µs)( \(BTF [0-9.]+(ms|µs)\))?, codegen [0-9.]+(ms|µs), ` +
			`load [0-9.]+(ms|µs), attach [0-9.]+(ms|µs), detach [0-9.]+(ms|µs)( \(release [0-9.]+(ms|µs)\))?, print [0-9.]+(ms|µs), close [0-9.]+(ms|µs)\n` +
			`sonde: verifier: 2 programs, \d+ instructions processed; per probe: (tracepoint:syscalls:sys_enter_getpid \d+, begin \d+|begin \d+, tracepoint:syscalls:sys_enter_getpid \d+)\n$`,
	}})
}

// The syscalls dd makes (enough to be dispatched), as attach points.
var ddEnters, ddExits = ddProbes("sys_enter_"), ddProbes("sys_exit_")

func ddProbes(prefix string) string {
	var ps []string
	for _, s := range strings.Fields(`execve brk mmap access openat newfstatat close read pread64
		arch_prctl set_tid_address set_robust_list rseq mprotect prlimit64 munmap getrandom
		write lseek dup2 rt_sigaction exit_group futex fadvise64`) {
		ps = append(ps, "tracepoint:syscalls:"+prefix+s)
	}
	return strings.Join(ps, ", ")
}

// Syscall tracepoints dispatched from one raw_syscalls program print what
// the same probes attached one by one print: per-probe names, each
// syscall's args, predicates and the probe count. dd makes a known
// sequence of syscalls (its loader's, then 1-byte reads and writes).
func TestE2ESyscallDispatchEquivalent(t *testing.T) {
	needRoot(t)
	const dd = "dd if=/dev/zero of=/dev/null bs=1 count=20 status=none"
	const only = `/pid == cpid && comm == "dd"/`
	// Small returns are counts and fds; larger ones are addresses (mmap,
	// brk) and the tid (set_tid_address), which differ run to run: fold.
	const ret = `args.ret <= 64 ? args.ret : 65`
	cases := []struct {
		name, prog string
		mode       string // SONDE_SYSCALL_DISPATCH of the dispatched run
		dispatched string // -v must say this
		probes     int
	}{
		{"counts per probe and syscall number",
			`tracepoint:syscalls:sys_enter_* ` + only + ` { @[probe, args.__syscall_nr] = count(); }`,
			"", "360 syscall tracepoints dispatched from one program on tracepoint:raw_syscalls:sys_enter", 0},
		{"events in order",
			ddExits + ` ` + only + ` { printf("%s %d\n", probe, ` + ret + `); @ret[probe, ` + ret + `] = count(); }`,
			"", "dispatched from one program on tracepoint:raw_syscalls:sys_exit", 0},
		{"args typed per syscall",
			`tracepoint:syscalls:sys_enter_read, tracepoint:syscalls:sys_enter_write ` + only + ` { @io[probe, args.fd, args.count] = count(); }`,
			"on", "2 syscall tracepoints dispatched from one program on tracepoint:raw_syscalls:sys_enter", 2},
		{"a syscall probed twice stays on its tracepoint",
			ddEnters + ` ` + only + ` { @[probe] = count(); }
			 tracepoint:syscalls:sys_enter_write ` + only + ` { @bytes = sum(args.count); printf("write %d\n", args.fd); }`,
			"", "attached on its own, not dispatched from tracepoint:raw_syscalls:sys_enter: tracepoint:syscalls:sys_enter_write: the syscall is probed more than once", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := []string{"-v", "-c", dd, "-e", c.prog}
			t.Setenv("SONDE_SYSCALL_DISPATCH", "off")
			// Hundreds of tracepoints one by one: minutes on a loaded machine.
			wantOut, wantErr, code := sondeTimeout(t, 5*time.Minute, args...)
			if code != 0 {
				t.Fatalf("per-tracepoint run: exit %d\n%s", code, wantErr)
			}
			t.Setenv("SONDE_SYSCALL_DISPATCH", c.mode)
			out, errOut, code := sondeTimeout(t, 60*time.Second, args...)
			if code != 0 {
				t.Fatalf("dispatched run: exit %d\n%s", code, errOut)
			}
			if !strings.Contains(errOut, c.dispatched) {
				t.Errorf("-v does not say %q:\n%s", c.dispatched, errOut)
			}
			if !strings.Contains(wantOut, "\n@") && !strings.Contains(wantOut, "sys_exit") {
				t.Fatalf("the per-tracepoint run saw nothing of dd:\n%s", wantOut)
			}
			if out != wantOut {
				t.Errorf("dispatched output differs from per-tracepoint output\n%s", diffText(wantOut, out))
			}
			banner := regexp.MustCompile(`Attached \d+ probes?`)
			if b, wb := banner.FindString(errOut), banner.FindString(wantErr); b != wb || (c.probes > 0 && wb != fmt.Sprintf("Attached %d probes", c.probes)) {
				t.Errorf("banner %q, per-tracepoint %q", b, wb)
			}
		})
	}
}

// ia32 syscalls (int $0x80 from a 64-bit process) reach raw_syscalls with
// their own numbers (getpid is 20, x86_64's writev); the syscalls events
// ignore them, and so must the dispatcher.
func TestE2ESyscallDispatchSkipsCompat(t *testing.T) {
	needRoot(t)
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("no C compiler (cc) to build the int $0x80 workload")
	}
	bin := filepath.Join(t.TempDir(), "int80")
	if out, err := exec.Command(cc, "-O1", "-o", bin, "testdata/compat/int80.c").CombinedOutput(); err != nil {
		t.Fatalf("cc: %v\n%s", err, out)
	}
	if err := exec.Command(bin, "1").Run(); err != nil {
		t.Skipf("no ia32 syscalls here (IA32 emulation off?): %v", err)
	}
	args := []string{"-v", "-c", bin + " 20", "-e", `tracepoint:syscalls:sys_enter_* /pid == cpid && comm == "int80"/ { @[probe] = count(); }`}
	t.Setenv("SONDE_SYSCALL_DISPATCH", "off")
	want, _, code := sondeTimeout(t, 5*time.Minute, args...)
	if code != 0 {
		t.Fatalf("per-tracepoint run: exit %d", code)
	}
	t.Setenv("SONDE_SYSCALL_DISPATCH", "")
	got, stderr, code := sondeTimeout(t, 60*time.Second, args...)
	if code != 0 || !strings.Contains(stderr, "dispatched from one program") {
		t.Fatalf("dispatched run: exit %d\n%s", code, stderr)
	}
	if strings.Contains(got, "sys_enter_writev") {
		t.Errorf("ia32 getpid counted as writev:\n%s", got)
	}
	if got != want {
		t.Errorf("dispatched output differs from per-tracepoint output\n%s", diffText(want, got))
	}
}
