package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
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
