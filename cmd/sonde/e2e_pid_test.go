package main

import (
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// -p PID: probes that are not attached to a process see only that process,
// and the run ends when it exits.
func TestE2EPidFilter(t *testing.T) {
	needRoot(t)
	// Two workloads make getpid calls: only the one named by -p counts.
	start := func(spec string) *exec.Cmd {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), "SONDE_WORKLOAD="+spec, "GODEBUG=asyncpreemptoff=1")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		return cmd
	}
	traced := start("sleep:1000,getpid:17,sleep:200")
	start("sleep:1000,getpid:5,sleep:200")
	pid := traced.Process.Pid
	stdout, stderr, code := sondeTimeout(t, 10*time.Second, "-p", strconv.Itoa(pid),
		"-e", `tracepoint:syscalls:sys_enter_getpid { @[pid] = count(); } BEGIN { @begin = pid == `+strconv.Itoa(pid)+`; }`)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// The run ended by itself when the process exited; BEGIN is not
	// filtered (it runs in sonde).
	want := "\n\n@[" + strconv.Itoa(pid) + "]: 17\n@begin: false\n"
	if stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", stdout, want)
	}
}

func TestE2EPidMissing(t *testing.T) {
	needRoot(t)
	_, stderr, code := sondeTimeout(t, 5*time.Second, "-p", "4194303", "-e", `tracepoint:syscalls:sys_enter_getpid { @ = count(); }`)
	if code == 0 || !regexp.MustCompile(`-p 4194303: no such process`).MatchString(stderr) || strings.Contains(stderr, "Attached") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// With -p, exit() in an interval probe ends the run while the process
// sleeps: interval is wall-clock time, not the process's CPU time (bound
// to the process, its timer never fired and the run never ended).
func TestE2EPidIntervalExit(t *testing.T) {
	needRoot(t)
	sleeper := exec.Command(os.Args[0])
	sleeper.Env = append(os.Environ(), "SONDE_WORKLOAD=sleep:30000", "GODEBUG=asyncpreemptoff=1")
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sleeper.Process.Kill(); sleeper.Wait() })
	pid := strconv.Itoa(sleeper.Process.Pid)
	stdout, stderr, code := sondeTimeout(t, 10*time.Second, "-p", pid,
		"-e", `tracepoint:syscalls:sys_enter_getpid { @ = count(); } interval:ms:300 { @i = count(); exit(); }`)
	if code != 0 || stdout != "\n\n@i: 1\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// The same with a uprobe on a process waiting on its stdin.
func TestE2EPidIntervalExitUprobe(t *testing.T) {
	u := buildUserTargets(t)
	cmd, _ := startWaiting(t, u.Exe, 3)
	stdout, stderr, code := sondeTimeout(t, 10*time.Second, "-p", strconv.Itoa(cmd.Process.Pid),
		"-e", `uprobe:`+u.Exe+`:add { @ = count(); } interval:ms:300 { @i = count(); exit(); }`)
	if code != 0 || stdout != "\n\n@i: 1\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
