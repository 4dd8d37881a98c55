package main

import (
	"os"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"sonde/internal/progfuzz"
)

// progfuzzSeed is the first seed; script i uses progfuzzSeed+i.
const progfuzzSeed = 0x50de

// TestProgFuzz compiles random well-typed scripts (internal/progfuzz) and
// loads them into the kernel: each must either fail to compile with a
// positioned error or load, attach and run its BEGIN probe. A verifier
// rejection of a script the compiler accepted is a code-generation bug.
// Scripts with only BEGIN/END probes run to the end (their maps are
// printed; every fourth as JSON); others run with --dry-run.
// SONDE_PROGFUZZ=N runs N scripts instead of the default 150,
// SONDE_PROGFUZZ_SEED=S starts at seed S (a failure names its seed: rerun
// it alone with SONDE_PROGFUZZ=1 SONDE_PROGFUZZ_SEED=seed).
func TestProgFuzz(t *testing.T) {
	needRoot(t)
	n, first := 150, uint64(progfuzzSeed)
	if s := os.Getenv("SONDE_PROGFUZZ"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("SONDE_PROGFUZZ=%q: %v", s, err)
		}
		n = v
	}
	if s := os.Getenv("SONDE_PROGFUZZ_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 0, 64)
		if err != nil {
			t.Fatalf("SONDE_PROGFUZZ_SEED=%q: %v", s, err)
		}
		first = v
	}
	positioned := regexp.MustCompile(`^stdin:\d+:\d+: error: `)
	start := time.Now()
	loaded, rejected, failed := 0, 0, 0
	for i := 0; i < n; i++ {
		seed := first + uint64(i)
		src := progfuzz.Generate(seed)
		stdout, stderr, code := runProgFuzz(t, seed, src)
		switch {
		case code == 0:
			loaded++
		case code == -1:
			failed++ // a panic, reported
		case strings.Contains(stderr, "verifier rejected"):
			failed++
			t.Errorf("seed %#x: the verifier rejected a script the compiler accepted:\n%s\n--- script ---\n%s", seed, stderr, src)
		case code == 1 && positioned.MatchString(stderr):
			rejected++
		default:
			failed++
			t.Errorf("seed %#x: exit %d without a positioned error:\nstderr: %s\nstdout: %s\n--- script ---\n%s", seed, code, stderr, stdout, src)
		}
	}
	t.Logf("%d scripts from seed %#x in %v: %d loaded, %d compile errors, %d failures",
		n, first, time.Since(start).Round(time.Millisecond), loaded, rejected, failed)
}

// runProgFuzz runs one generated script in-process, reporting a panic or a
// hang with the seed and the script instead of crashing the test binary
// without them.
func runProgFuzz(t *testing.T, seed uint64, src string) (stdout, stderr string, code int) {
	t.Helper()
	args := []string{"-e", src}
	if seed%4 == 0 {
		// Every fourth script prints its events and maps as JSON.
		args = append([]string{"-f", "json"}, args...)
	}
	if strings.Contains(src, "tracepoint:") {
		args = append([]string{"--dry-run"}, args...)
	}
	type result struct {
		out, err string
		code     int
		panic    any
		stack    string
	}
	ch := make(chan result, 1)
	go func() {
		var out, errOut lockedBuffer
		defer func() {
			if r := recover(); r != nil {
				ch <- result{panic: r, stack: string(debug.Stack())}
			}
		}()
		code := run(args, strings.NewReader(""), &out, &errOut)
		ch <- result{out: out.String(), err: errOut.String(), code: code}
	}()
	select {
	case r := <-ch:
		if r.panic != nil {
			t.Errorf("seed %#x: panic: %v\n%s\n--- script ---\n%s", seed, r.panic, r.stack, src)
			return "", "panic", -1
		}
		return r.out, r.err, r.code
	case <-time.After(30 * time.Second):
		t.Fatalf("seed %#x: sonde did not exit within 30s\n--- script ---\n%s", seed, src)
		return "", "", -1
	}
}
