package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"
)

// After sonde exits, by any path, the kernel holds none of its programs,
// maps or links, and (in-process) none of its descriptors stay open.

// watchSelf collects the BPF objects this process holds while f runs.
func watchSelf(f func()) (seen bpfObjects) {
	seen = bpfObjects{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			for k, ids := range fdBPFObjects("self") {
				for id := range ids {
					seen.add(k, id)
				}
			}
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	f()
	close(stop)
	wg.Wait()
	return seen
}

// alive reports which of objs still exist in the kernel, waiting up to 3 s
// for the kernel to free them.
func alive(objs bpfObjects) []string {
	var left []string
	for deadline := time.Now().Add(3 * time.Second); ; {
		left = left[:0]
		for id := range objs["prog"] {
			if p, err := ebpf.NewProgramFromID(ebpf.ProgramID(id)); err == nil {
				name := ""
				if info, err := p.Info(); err == nil {
					name = info.Name
				}
				p.Close()
				left = append(left, fmt.Sprintf("prog %d %s", id, name))
			}
		}
		for id := range objs["map"] {
			if m, err := ebpf.NewMapFromID(ebpf.MapID(id)); err == nil {
				name := ""
				if info, err := m.Info(); err == nil {
					name = info.Name
				}
				m.Close()
				left = append(left, fmt.Sprintf("map %d %s", id, name))
			}
		}
		for id := range objs["link"] {
			if l, err := link.NewFromID(link.ID(id)); err == nil {
				l.Close()
				left = append(left, fmt.Sprintf("link %d", id))
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// progsNamed lists the live programs called name with an id above min.
func progsNamed(name string, min ebpf.ProgramID) bpfObjects {
	objs := bpfObjects{}
	id := min
	for {
		next, err := ebpf.ProgramGetNextID(id)
		if err != nil {
			return objs
		}
		id = next
		p, err := ebpf.NewProgramFromID(id)
		if err != nil {
			continue
		}
		if info, err := p.Info(); err == nil && info.Name == name {
			objs.add("prog", uint32(id))
		}
		p.Close()
	}
}

func maxProgID() ebpf.ProgramID {
	var id ebpf.ProgramID
	for {
		next, err := ebpf.ProgramGetNextID(id)
		if err != nil {
			return id
		}
		id = next
	}
}

func newObjects(before, after bpfObjects) bpfObjects {
	d := bpfObjects{}
	for k, ids := range after {
		for id := range ids {
			if !before[k][id] {
				d.add(k, id)
			}
		}
	}
	return d
}

func TestE2ECleanupInProcess(t *testing.T) {
	needRoot(t)
	// sys_enter_sethostname: a tracepoint nothing else here uses, so its
	// program name (cut to 15 bytes) identifies sonde's programs.
	const tpName = "sys_enter_setho"
	for _, c := range []struct {
		name, prog string
		code       int
		errRe      string
	}{
		{"normal_exit", `tracepoint:syscalls:sys_enter_sethostname { @ = count(); } tracepoint:syscalls:sys_enter_getpid { @g = count(); } interval:ms:200 { printf("x\n"); exit(); }`, 0, ""},
		{"begin_only", `BEGIN { @a[1] = hist(3); printf("y\n"); }`, 0, ""},
		{"attach_error_half_way", `tracepoint:syscalls:sys_enter_sethostname { @ = count(); } interval:ms:100 { @i = count(); } tracepoint:ftrace:function { @b = count(); }`, 1, `ftrace:function`},
		{"verifier_error", `tracepoint:syscalls:sys_enter_sethostname { @ = count(); } BEGIN { while (1) { } }`, -1, ``},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := fdBPFObjects("self")
			minID := maxProgID()
			var out, errOut string
			var code int
			seen := watchSelf(func() {
				out, errOut, code = sondeTimeout(t, 10*time.Second, "-e", c.prog)
			})
			if c.code >= 0 && code != c.code {
				t.Errorf("exit code %d, want %d\nstderr: %s", code, c.code, errOut)
			}
			if c.errRe != "" && !regexp.MustCompile(c.errRe).MatchString(errOut) {
				t.Errorf("stderr %q does not match %q", errOut, c.errRe)
			}
			if strings.Contains(errOut, "panic") {
				t.Fatalf("panic: %s\n%s", errOut, out)
			}
			after := fdBPFObjects("self")
			if d := newObjects(before, after); d.count() > 0 {
				t.Errorf("descriptors still open after the run: %v", d)
			}
			if len(after["perf"]) > len(before["perf"]) {
				t.Errorf("%d perf event descriptors still open after the run", len(after["perf"])-len(before["perf"]))
			}
			if left := alive(newObjects(before, seen)); len(left) > 0 {
				t.Errorf("kernel objects left after the run: %v", left)
			}
			if left := alive(progsNamed(tpName, minID)); len(left) > 0 {
				t.Errorf("programs of this run still loaded: %v", left)
			}
		})
	}
}

// SIGINT and SIGTERM run the end probes, print the maps and detach.
func TestE2ECleanupSignals(t *testing.T) {
	needRoot(t)
	bin := sondeBinary(t)
	for _, c := range []struct {
		name string
		sig  syscall.Signal
		prog string
		want string // regexp for stdout
	}{
		{"SIGINT_end_printf", syscall.SIGINT,
			`tracepoint:syscalls:sys_enter_getpid { @ = count(); } END { printf("end\n"); }`, `^end\n\n\n@: [1-9][0-9]*\n$`},
		{"SIGTERM_end_printf", syscall.SIGTERM,
			`tracepoint:syscalls:sys_enter_getpid { @ = count(); } END { printf("end\n"); }`, `^end\n\n\n@: [1-9][0-9]*\n$`},
		{"SIGINT_no_events", syscall.SIGINT,
			`tracepoint:syscalls:sys_enter_getpid { @ = count(); } END { @e = 1; }`, `^\n\n@: [1-9][0-9]*\n@e: 1\n$`},
		{"SIGTERM_no_events", syscall.SIGTERM,
			`tracepoint:syscalls:sys_enter_getpid { @ = count(); } END { @e = 1; }`, `^\n\n@: [1-9][0-9]*\n@e: 1\n$`},
		{"SIGINT_interval_printf", syscall.SIGINT,
			`interval:ms:20 { printf("tick\n"); } END { printf("end\n"); }`, `^(tick\n)+end\n\n\n$`},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(bin, "-e", c.prog)
			var stdout bytes.Buffer
			cmd.Stdout = &stdout
			errPipe, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			var stderr strings.Builder
			attached := make(chan bool, 1)
			go func() {
				r := bufio.NewReader(errPipe)
				ok := false
				for {
					line, err := r.ReadString('\n')
					stderr.WriteString(line)
					if !ok && strings.HasPrefix(line, "Attached") {
						ok = true
						attached <- true
					}
					if err != nil {
						if err != io.EOF || !ok {
							attached <- false
						}
						return
					}
				}
			}()
			select {
			case ok := <-attached:
				if !ok {
					cmd.Wait()
					t.Fatalf("sonde exited before attaching:\n%s", stderr.String())
				}
			case <-time.After(10 * time.Second):
				t.Fatal("no Attached message within 10 s")
			}
			pid := fmt.Sprint(cmd.Process.Pid)
			held := bpfObjects{}
			for i := 0; i < 5; i++ {
				for k, ids := range fdBPFObjects(pid) {
					for id := range ids {
						held.add(k, id)
					}
				}
				syscall.Syscall(syscall.SYS_GETPID, 0, 0, 0)
				time.Sleep(10 * time.Millisecond)
			}
			if len(held["prog"]) == 0 {
				t.Errorf("sonde holds no programs while attached? %v", held)
			}
			if err := cmd.Process.Signal(c.sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("sonde exited with %v after %v, want exit status 0\nstderr:\n%s", err, c.sig, stderr.String())
				}
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				<-done
				t.Errorf("sonde did not exit within 10 s of %v (killed)\nstdout so far: %q", c.sig, stdout.String())
			}
			if !regexp.MustCompile(c.want).MatchString(stdout.String()) {
				t.Errorf("stdout %q does not match %q", stdout.String(), c.want)
			}
			held["perf"] = nil
			if left := alive(held); len(left) > 0 {
				t.Errorf("kernel objects left after %v: %v", c.sig, left)
			}
		})
	}
}

var _ = os.Getpid

// Every other way a run ends, in a separate sonde process: the end of the
// -c command or of the -p process, SIGHUP, SIGKILL, and panics (the test
// build's SONDE_TEST_PANIC hook) while attaching, in the event loop and
// in the event reader. After each, the kernel holds none of the run's
// programs, maps or links within a few seconds, and no process sonde
// started (the -c command, helpers) is left.
func TestE2ECleanupExitPaths(t *testing.T) {
	needRoot(t)
	bin := sondeBinary(t)
	// Orphans of sonde become this process's children, so a process it
	// leaves behind is found.
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		t.Fatal(err)
	}
	defer unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)
	// sys_enter_sethostname names the run's programs, as above; the
	// ustack makes -c hold the command (runtime/hold.go); @end shows that
	// the end probes ran and the maps were printed.
	const tp = `tracepoint:syscalls:sys_enter_sethostname { @[ustack] = count(); } tracepoint:syscalls:sys_enter_getpid { @g = count(); } END { @end = 1; } `
	const tpName = "sys_enter_setho"
	for _, c := range []struct {
		name   string
		args   []string
		env    string
		pid    bool           // add -p PID of a process that sleeps a second
		signal syscall.Signal // sent once attached; 0: the run ends by itself
		code   int            // -1: killed by the signal
		stdout string         // regexp
		stderr string         // regexp
	}{
		{name: "c_command_ends", args: []string{"-c", "sleep 0.3", "-e", tp}, stdout: `@end: 1\n`},
		{name: "p_process_ends", pid: true, args: []string{"-e", tp + `interval:ms:100 { @i = count(); }`}, stdout: `@end: 1\n(.|\n)*@i: `},
		{name: "SIGHUP", signal: syscall.SIGHUP, args: []string{"-c", "sleep 30", "-e", tp}, stdout: `@end: 1\n`},
		{name: "SIGKILL", signal: syscall.SIGKILL, code: -1, args: []string{"-c", "sleep 30", "-e", tp}},
		{name: "panic_attaching", env: "attach", code: 2, args: []string{"-c", "sleep 30", "-e", tp}, stderr: `panic: SONDE_TEST_PANIC at attach`},
		{name: "panic_in_loop", env: "loop", code: 2, args: []string{"-c", "sleep 30", "-e", tp}, stderr: `panic: SONDE_TEST_PANIC at loop`},
		{name: "panic_reading_events", env: "event", code: 1,
			args:   []string{"-c", "sleep 30", "-e", tp + `interval:ms:10 { printf("x\n"); }`},
			stderr: `internal error reading events: SONDE_TEST_PANIC at event`},
	} {
		t.Run(c.name, func(t *testing.T) {
			minID := maxProgID()
			args := c.args
			var own []*exec.Cmd // processes the test starts itself
			if c.pid {
				p := exec.Command(os.Args[0])
				p.Env = append(os.Environ(), "SONDE_WORKLOAD=sleep:1000")
				if err := p.Start(); err != nil {
					t.Fatal(err)
				}
				defer func() { p.Process.Kill(); p.Wait() }()
				own = append(own, p)
				args = append([]string{"-p", fmt.Sprint(p.Process.Pid)}, args...)
			}
			cmd := exec.Command(bin, args...)
			cmd.Env = append(os.Environ(), "SONDE_TEST_PANIC="+c.env)
			var stdout, stderr lockedBuffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			own = append(own, cmd)
			defer cmd.Process.Kill()
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			pid := fmt.Sprint(cmd.Process.Pid)
			held := bpfObjects{}
			var err error
			signalled := false
		wait:
			for deadline := time.After(15 * time.Second); ; {
				for k, ids := range fdBPFObjects(pid) {
					for id := range ids {
						held.add(k, id)
					}
				}
				if c.signal != 0 && !signalled && strings.Contains(stderr.String(), "Attached") {
					time.Sleep(50 * time.Millisecond)
					cmd.Process.Signal(c.signal)
					signalled = true
				}
				select {
				case err = <-done:
					break wait
				case <-deadline:
					cmd.Process.Kill()
					<-done
					t.Fatalf("sonde did not end within 15 s (killed)\nstderr:\n%s", stderr.String())
				case <-time.After(time.Millisecond):
				}
			}
			code := cmd.ProcessState.ExitCode()
			if code != c.code {
				t.Errorf("exit code %d (%v), want %d\nstderr:\n%s", code, err, c.code, stderr.String())
			}
			if c.stdout != "" && !regexp.MustCompile(c.stdout).MatchString(stdout.String()) {
				t.Errorf("stdout %q does not match %q", stdout.String(), c.stdout)
			}
			if c.stderr != "" && !regexp.MustCompile(c.stderr).MatchString(stderr.String()) {
				t.Errorf("stderr does not match %q:\n%s", c.stderr, stderr.String())
			}
			if len(held["prog"]) == 0 && len(progsNamed(tpName, minID)) == 0 {
				t.Logf("no program seen while sonde ran (it ended too soon to sample)")
			}
			held["perf"] = nil
			if left := alive(held); len(left) > 0 {
				t.Errorf("kernel objects left: %v", left)
			}
			if left := alive(progsNamed(tpName, minID)); len(left) > 0 {
				t.Errorf("programs of this run still loaded: %v", left)
			}
			if left := leftChildren(own); len(left) > 0 {
				t.Errorf("processes left behind: %v", left)
			}
		})
	}
}

// leftChildren lists this process's children other than own that are
// still running a few seconds on (orphans of sonde land here, as this test
// is a subreaper); zombies among them are reaped.
func leftChildren(own []*exec.Cmd) []string {
	mine := map[int]bool{}
	for _, c := range own {
		mine[c.Process.Pid] = true
	}
	var left []string
	for deadline := time.Now().Add(3 * time.Second); ; {
		left = left[:0]
		ents, _ := os.ReadDir("/proc")
		for _, e := range ents {
			pid, err := strconv.Atoi(e.Name())
			if err != nil || mine[pid] {
				continue
			}
			stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
			if err != nil {
				continue
			}
			// pid (comm) state ppid ...: comm may hold spaces.
			s := string(stat)
			f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
			if len(f) < 2 || f[1] != strconv.Itoa(os.Getpid()) {
				continue
			}
			if f[0] == "Z" {
				var ws unix.WaitStatus
				unix.Wait4(pid, &ws, unix.WNOHANG, nil)
				continue
			}
			left = append(left, fmt.Sprintf("%d %s", pid, s[:strings.LastIndexByte(s, ')')+1]))
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(50 * time.Millisecond)
	}
}
