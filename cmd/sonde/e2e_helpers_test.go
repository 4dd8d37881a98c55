package main

// Shared machinery for the end-to-end tests (e2e_*_test.go): they run real
// scripts in the kernel through the CLI, with workloads the tests control,
// and compare the output with the text modern bpftrace prints.

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// e2eCase is one script run. The script is run as
//
//	sonde FLAGS [-c CMD] -e PROG ARGS...
//
// and its stdout compared exactly with want (when want or wantEmpty is set),
// matched against the regexp re, and handed to check.
type e2eCase struct {
	name  string
	prog  string
	flags []string // before -e
	args  []string // script arguments, after the program
	work  string   // SONDE_WORKLOAD spec: the script runs with -c on it
	cmd   string   // raw -c command (instead of work)
	want  string   // exact stdout
	re    string   // stdout must match this regexp
	code  int      // expected exit code
	// errRe, when set, must match stderr; otherwise stderr may only hold
	// the "Attached N probes" banner.
	errRe string
	check func(t *testing.T, stdout, stderr string)
	skip  string // t.Skip reason (known bug that blocks the case)
}

func (c e2eCase) argv(t *testing.T) []string {
	args := append([]string{}, c.flags...)
	switch {
	case c.work != "":
		args = append(args, "-c", e2eWorkCmd(t, c.work))
	case c.cmd != "":
		args = append(args, "-c", c.cmd)
	}
	args = append(args, "-e", c.prog)
	return append(args, c.args...)
}

func runE2E(t *testing.T, cases []e2eCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			needRoot(t)
			if c.skip != "" {
				t.Skip(c.skip)
			}
			// Generous: a hang fails the test, a loaded machine does not.
			stdout, stderr, code := sondeTimeout(t, 30*time.Second, c.argv(t)...)
			checkRun(t, c, stdout, stderr, code)
		})
	}
}

// sondeTimeout runs sonde in-process like sonde() but fails the test, instead
// of hanging the whole suite, when the run does not end in time. (The
// goroutine is leaked then: a hung run cannot be interrupted from outside.)
func sondeTimeout(t *testing.T, d time.Duration, args ...string) (string, string, int) {
	t.Helper()
	type result struct {
		out, err string
		code     int
	}
	ch := make(chan result, 1)
	go func() {
		var out, errOut lockedBuffer
		code := run(args, strings.NewReader(""), &out, &errOut)
		ch <- result{out.String(), errOut.String(), code}
	}()
	select {
	case r := <-ch:
		return r.out, r.err, r.code
	case <-time.After(d):
		t.Fatalf("sonde did not exit within %v (hang)\nargs: %q", d, args)
		return "", "", -1
	}
}

// lockedBuffer is a bytes.Buffer safe for a writer and a late reader.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// e2eWorkCmd is workloadCmd with Go's asynchronous preemption off: the Go
// runtime signals a goroutine it preempts with tgkill(getpid(), ...), which
// would add stray getpid calls to the exact counts.
func e2eWorkCmd(t *testing.T, spec string) string {
	t.Helper()
	return strings.Replace(workloadCmd(t, spec), "env ", "env GODEBUG=asyncpreemptoff=1 ", 1)
}

var bannerRe = regexp.MustCompile(`^(Attached [0-9]+ probes?\n)?$`)

func checkRun(t *testing.T, c e2eCase, stdout, stderr string, code int) {
	t.Helper()
	if strings.Contains(stderr, "panic") || strings.Contains(stdout, "goroutine ") {
		t.Fatalf("sonde panicked:\n%s", stderr)
	}
	if code != c.code {
		t.Errorf("exit code %d, want %d\nprogram: %s\nstderr:\n%s\nstdout:\n%s", code, c.code, c.prog, stderr, stdout)
	}
	if c.errRe != "" {
		if !regexp.MustCompile(c.errRe).MatchString(stderr) {
			t.Errorf("stderr does not match %q\nprogram: %s\nstderr:\n%s", c.errRe, c.prog, stderr)
		}
	} else if c.code == 0 && !bannerRe.MatchString(stderr) {
		t.Errorf("unexpected stderr\nprogram: %s\nstderr:\n%s", c.prog, stderr)
	}
	if c.want != "" && stdout != c.want {
		t.Errorf("stdout mismatch\nprogram: %s\n%s", c.prog, diffText(c.want, stdout))
	}
	if c.re != "" && !regexp.MustCompile(c.re).MatchString(stdout) {
		t.Errorf("stdout does not match %q\nprogram: %s\nstdout:\n%q", c.re, c.prog, stdout)
	}
	if c.check != nil {
		c.check(t, stdout, stderr)
	}
}

// diffText shows want and got with line numbers and marks the first
// differing line.
func diffText(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	first := -1
	for i := 0; i < len(wl) || i < len(gl); i++ {
		if i >= len(wl) || i >= len(gl) || wl[i] != gl[i] {
			first = i
			break
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "first difference at line %d\n--- want:\n", first+1)
	for i, l := range wl {
		mark := " "
		if i == first {
			mark = ">"
		}
		fmt.Fprintf(&b, "%s%3d %q\n", mark, i+1, l)
	}
	b.WriteString("--- got:\n")
	for i, l := range gl {
		mark := " "
		if i == first {
			mark = ">"
		}
		fmt.Fprintf(&b, "%s%3d %q\n", mark, i+1, l)
	}
	return b.String()
}

// exeComm is the comm of a workload process: the test binary's name cut to
// 15 bytes, as the kernel stores it.
func exeComm(t *testing.T) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	c := filepath.Base(exe)
	if len(c) > 15 {
		c = c[:15]
	}
	return c
}

// hrow renders one hist/lhist row the way bpftrace does (reference 6.3):
// label in 16 columns, count in 8, then a bar of floor(count/max*52) '@'.
func hrow(label string, count, max uint64) string {
	bar := 0
	if max > 0 {
		bar = int(float32(count) / float32(max) * 52)
	}
	return fmt.Sprintf("%-16s%8d |%-52s|\n", label, count, strings.Repeat("@", bar))
}

// hblock renders histogram rows given as label, count pairs.
func hblock(rows ...any) string {
	var max uint64
	for i := 1; i < len(rows); i += 2 {
		if v := uint64(rows[i].(int)); v > max {
			max = v
		}
	}
	var b strings.Builder
	for i := 0; i < len(rows); i += 2 {
		b.WriteString(hrow(rows[i].(string), uint64(rows[i+1].(int)), max))
	}
	return b.String()
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// sondeBinary builds the sonde command once per test run, for tests that
// need a separate process (signals). SONDE_E2E_BIN=path tests that binary
// instead (an older build, to compare).
func sondeBinary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("SONDE_E2E_BIN"); p != "" {
		return p
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not in PATH: cannot build the sonde binary")
	}
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "sonde-e2e-bin")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "sonde")
		// sondetest: SONDE_TEST_PANIC works (runtime/testpanic_sondetest.go).
		cmd := exec.Command(goTool, "build", "-tags", "sondetest", "-o", binPath, ".")
		out, err := cmd.CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// bpfObjects are the kernel BPF object ids a process holds through its
// file descriptors (from /proc/PID/fdinfo), by kind: prog, map, link.
type bpfObjects map[string]map[uint32]bool

func (o bpfObjects) add(kind string, id uint32) {
	if o[kind] == nil {
		o[kind] = map[uint32]bool{}
	}
	o[kind][id] = true
}

func (o bpfObjects) count() int {
	n := 0
	for _, ids := range o {
		n += len(ids)
	}
	return n
}

func (o bpfObjects) String() string {
	var parts []string
	for _, k := range []string{"prog", "map", "link"} {
		var ids []string
		for id := range o[k] {
			ids = append(ids, strconv.Itoa(int(id)))
		}
		parts = append(parts, fmt.Sprintf("%s=%v", k, ids))
	}
	return strings.Join(parts, " ")
}

// fdBPFObjects lists the BPF objects held by process pid ("self" works).
// Tracepoints attached through perf events are counted as "perf" fds.
func fdBPFObjects(pid string) bpfObjects {
	objs := bpfObjects{}
	dir := "/proc/" + pid + "/fd"
	ents, err := os.ReadDir(dir)
	if err != nil {
		return objs
	}
	for _, e := range ents {
		target, err := os.Readlink(filepath.Join(dir, e.Name()))
		if err != nil || !strings.HasPrefix(target, "anon_inode:") {
			continue
		}
		if strings.Contains(target, "perf_event") {
			fd, _ := strconv.Atoi(e.Name())
			objs.add("perf", uint32(fd))
			continue
		}
		info, err := os.ReadFile("/proc/" + pid + "/fdinfo/" + e.Name())
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(info), "\n") {
			for _, kind := range []string{"prog", "map", "link"} {
				if v, ok := strings.CutPrefix(line, kind+"_id:"); ok {
					id, err := strconv.Atoi(strings.TrimSpace(v))
					if err == nil {
						objs.add(kind, uint32(id))
					}
				}
			}
		}
	}
	return objs
}

// wantLines splits s into lines and fails unless there are exactly n.
func wantLines(t *testing.T, s string, n int) []string {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	if len(lines) != n {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), n, s)
	}
	return lines
}

func atoiT(t *testing.T, s string) int64 {
	t.Helper()
	v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		t.Fatalf("not an integer: %q", s)
	}
	return v
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }
