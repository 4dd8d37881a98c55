package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// vmMarker starts the lines vminit prints (see vminit/main.go).
const vmMarker = "VMTEST"

// testResult is one "--- PASS/FAIL/SKIP: Name (1.23s)" line of go test -v.
type testResult struct {
	name, status, elapsed string
	log                   []string // the test's t.Log/t.Skip/t.Error lines
}

// boot is what one VM run produced.
type boot struct {
	release      string // uname -r inside the VM, from vminit's INIT line
	exitCode     int
	haveExit     bool // vminit printed its EXIT marker
	timedOut     bool
	noInit       bool // no INIT line within initTimeout: hung in early boot
	qemuErr      error
	results      []testResult
	tail         []string // last console lines, for crashes
	total        time.Duration
	firstOutput  time.Duration // QEMU start to vminit's first line
	payloadTime  string        // as measured by vminit
	finalVerdict string        // "PASS", "FAIL" or "" (go test's last line)
	attempts     int           // boots needed (early-boot crashes are retried)
}

var (
	resultRE = regexp.MustCompile(`^(\s*)--- (PASS|FAIL|SKIP): (\S+) \(([0-9.]+s)\)`)
	runRE    = regexp.MustCompile(`^=== (RUN|CONT|NAME|PAUSE)\s+(\S+)`)
	logRE    = regexp.MustCompile(`^\s+\S+\.go:\d+: `)
)

type qemuOpts struct {
	accel   string // "tcg" or "kvm"
	mem     string
	smp     int
	timeout time.Duration
	// initTimeout bounds the time to vminit's first line; a VM that has
	// not got there by then is killed (early-boot hang).
	initTimeout time.Duration
}

// accelArgs picks the accelerator. KVM only when /dev/kvm is usable and the
// CPU shows vmx/svm: a PVM-style nested host exposes a /dev/kvm that cannot
// run stock kernels (they hang in early boot).
func accelArgs(accel string) ([]string, string) {
	if accel == "auto" {
		accel = "tcg"
		if f, err := os.OpenFile("/dev/kvm", os.O_RDWR, 0); err == nil {
			f.Close()
			if b, err := os.ReadFile("/proc/cpuinfo"); err == nil && regexp.MustCompile(`(?m)^flags\s*:.*\b(vmx|svm)\b`).Match(b) {
				accel = "kvm"
			}
		}
	}
	if accel == "kvm" {
		return []string{"-accel", "kvm", "-cpu", "host"}, accel
	}
	return []string{"-accel", "tcg,thread=multi", "-cpu", "max"}, "tcg"
}

// cmdlineQuote quotes a word of the kernel command line if needed (the
// kernel strips double quotes around a parameter).
func cmdlineQuote(s string) string {
	if strings.ContainsAny(s, " \t") {
		return `"` + s + `"`
	}
	return s
}

// runVM boots kernel with initrd and args (argv of /init after "--"),
// streaming the console to out with prefix, and parses the test output.
func runVM(ctx context.Context, o qemuOpts, vmlinuz, initrd string, initArgs []string, out io.Writer, prefix string) *boot {
	const attempts = 3
	var b *boot
	for i := 1; i <= attempts; i++ {
		b = runVMOnce(ctx, o, vmlinuz, initrd, initArgs, out, prefix)
		b.attempts = i
		// A kernel that dies or hangs before PID 1 prints anything is an
		// emulation flake, not a test result: 6.12 under multi-threaded
		// TCG has been seen to oops in early boot (key_set_index_key,
		// while patching static keys) about once in five boots. A crash
		// after vminit started counts.
		// A boot that hangs after init started is retried once too: TCG
		// has been seen to stall a whole guest (both vCPUs spinning, no
		// output) in a run whose tests then passed on the next boot. A
		// test that really hangs hangs again and is reported.
		if ctx.Err() != nil || (b.release != "" && !b.timedOut) || (b.timedOut && i >= 2) {
			break
		}
		if b.timedOut {
			fmt.Fprintf(out, "%svmtest: boot timed out after %v (attempt %d/%d), booting again\n", prefix, o.timeout, i, attempts)
			continue
		}
		fmt.Fprintf(out, "%svmtest: kernel died before init (attempt %d/%d), booting again\n", prefix, i, attempts)
	}
	return b
}

func runVMOnce(ctx context.Context, o qemuOpts, vmlinuz, initrd string, initArgs []string, out io.Writer, prefix string) *boot {
	b := &boot{exitCode: -1}
	acc, _ := accelArgs(o.accel)
	var words []string
	for _, a := range initArgs {
		words = append(words, cmdlineQuote(a))
	}
	cmdline := "console=ttyS0 panic=-1 quiet loglevel=4 mitigations=off -- " + strings.Join(words, " ")
	args := append(acc,
		"-m", o.mem, "-smp", strconv.Itoa(o.smp),
		"-nodefaults", "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot",
		"-kernel", vmlinuz, "-initrd", initrd, "-append", cmdline)

	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "qemu-system-x86_64", args...)
	cmd.WaitDelay = 5 * time.Second
	pr, pw, err := os.Pipe()
	if err != nil {
		b.qemuErr = err
		return b
	}
	cmd.Stdout, cmd.Stderr = pw, pw
	start := time.Now()
	if err := cmd.Start(); err != nil {
		pw.Close()
		pr.Close()
		b.qemuErr = err
		return b
	}
	pw.Close()
	var sawInit atomic.Bool
	watchdog := time.AfterFunc(o.initTimeout, func() {
		if !sawInit.Load() {
			cancel()
		}
	})
	defer watchdog.Stop()

	ps := &parser{b: b}
	sc := bufio.NewScanner(pr)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		fmt.Fprintf(out, "%s%s\n", prefix, line)
		if ps.line(line) && b.firstOutput == 0 {
			b.firstOutput = time.Since(start)
			sawInit.Store(true)
		}
	}
	err = cmd.Wait()
	pr.Close()
	b.total = time.Since(start)
	switch {
	case !sawInit.Load() && ctx.Err() != nil && errors.Is(context.Cause(ctx), context.Canceled) && parent.Err() == nil:
		b.noInit = true
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		b.timedOut = true
	case err != nil && !b.haveExit:
		b.qemuErr = err
	}
	return b
}

// parser reads the serial console of one boot into a boot.
type parser struct {
	b       *boot
	current string              // test of the last "=== RUN/CONT/NAME"
	logs    map[string][]string // test -> its log lines so far
}

// line parses one console line (without "\r\n") and reports whether it
// came from vminit.
func (p *parser) line(line string) (fromInit bool) {
	b := p.b
	if p.logs == nil {
		p.logs = map[string][]string{}
	}
	b.tail = append(b.tail, line)
	if len(b.tail) > 40 {
		b.tail = b.tail[1:]
	}
	if rest, ok := strings.CutPrefix(line, vmMarker+" "); ok {
		switch {
		case strings.HasPrefix(rest, "INIT "):
			for _, f := range strings.Fields(rest) {
				if v, ok := strings.CutPrefix(f, "kernel="); ok {
					b.release = v
				}
			}
		case strings.HasPrefix(rest, "EXIT "):
			for _, f := range strings.Fields(rest) {
				if v, ok := strings.CutPrefix(f, "code="); ok {
					if n, err := strconv.Atoi(v); err == nil {
						b.exitCode, b.haveExit = n, true
					}
				}
				if v, ok := strings.CutPrefix(f, "payload-time="); ok {
					b.payloadTime = v
				}
			}
		}
		return true
	}
	if m := runRE.FindStringSubmatch(line); m != nil {
		p.current = m[2]
		return false
	}
	if m := resultRE.FindStringSubmatch(line); m != nil {
		b.results = append(b.results, testResult{name: m[3], status: m[2], elapsed: m[4], log: p.logs[m[3]]})
		p.current = ""
		return false
	}
	if p.current != "" && logRE.MatchString(line) {
		p.logs[p.current] = append(p.logs[p.current], strings.TrimSpace(line))
		return false
	}
	if line == "PASS" || line == "FAIL" {
		b.finalVerdict = line
	}
	return false
}
