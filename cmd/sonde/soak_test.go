package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSoak is the load soak, run by `make soak` (SOAK_DURATION=10m by
// default there; skipped when SOAK_DURATION is unset). A workload calls
// getppid at a set rate and sonde counts each call in maps and prints a
// line for each. It first steps the rate up (SOAK_STEP each, 5s by
// default) to find the highest rate with no lost event and the rate at
// which loss begins, then runs SOAK_DURATION at the highest loss-free
// rate, sampling sonde's RSS every second. Every step must account for
// every call exactly: the map count equals the calls made, and printed
// lines plus reported lost events equal them too. No timing is asserted:
// the rates are what this machine sustains, reported.
func TestSoak(t *testing.T) {
	total, err := time.ParseDuration(os.Getenv("SOAK_DURATION"))
	if err != nil {
		t.Skip("set SOAK_DURATION (make soak) to run the soak")
	}
	needRoot(t)
	step := 5 * time.Second
	if s := os.Getenv("SOAK_STEP"); s != "" {
		if step, err = time.ParseDuration(s); err != nil {
			t.Fatal(err)
		}
	}
	bin := sondeBinary(t)
	best, onset := 0.0, 0.0
	bestRate := 0
	bestThreads := 1
	// Paced rates from one thread, then as fast as 1, 2 and 4 threads go.
	for _, s := range []struct{ rate, threads int }{{25000, 1}, {50000, 1}, {100000, 1}, {200000, 1}, {400000, 1}, {0, 1}, {0, 2}, {0, 4}} {
		r := soakRun(t, bin, s.rate, s.threads, step, false)
		t.Logf("rate %-6s x%d threads %8.0f events/s: %d calls, %d printed, %d lost, peak RSS %d MB",
			rateName(s.rate), s.threads, r.perSec, r.calls, r.printed, r.lost, r.peakKB/1024)
		if r.lost == 0 && r.perSec > best {
			best, bestRate, bestThreads = r.perSec, s.rate, s.threads
		}
		if r.lost > 0 && onset == 0 {
			onset = r.perSec
		}
	}
	t.Logf("highest loss-free rate %.0f events/s; loss begins at %.0f events/s (0: not reached)", best, onset)
	r := soakRun(t, bin, bestRate, bestThreads, total, true)
	t.Logf("soak at %s x%d threads for %v: %.0f events/s, %d calls, %d printed, %d lost", rateName(bestRate), bestThreads, total, r.perSec, r.calls, r.printed, r.lost)
	t.Logf("RSS by minute (MB, max of the minute): %v; peak %d MB", r.curve, r.peakKB/1024)
}

func rateName(rate int) string {
	if rate == 0 {
		return "max"
	}
	return strconv.Itoa(rate)
}

type soakResult struct {
	calls, printed, lost uint64
	perSec               float64
	peakKB               int
	curve                []int // MB per minute
}

var (
	soakCallsRe = regexp.MustCompile(`(?m)^@calls: (\d+)$`)
	soakLostRe  = regexp.MustCompile(`(?m)^Lost (\d+) events$`)
	soakTidRe   = regexp.MustCompile(`(?m)^@bytid\[\d+\]: (\d+)$`)
)

// soakRun runs sonde on the workload at rate for d and checks that every
// call is accounted for.
func soakRun(t *testing.T, bin string, rate, threads int, d time.Duration, sample bool) soakResult {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	countFile := filepath.Join(t.TempDir(), "calls")
	work := fmt.Sprintf("env GODEBUG=asyncpreemptoff=1 SONDE_WORKLOAD=getppid-rate:%d:%d:%d SONDE_WORKLOAD_OUT=%s %s",
		rate, d.Milliseconds(), threads, countFile, exe)
	cmd := exec.Command(bin, "-c", work, "-e", `tracepoint:syscalls:sys_enter_getppid /pid == cpid/ {
	@calls = count(); @bytid[tid % 4] = count(); @lat = hist(nsecs % 1000000);
	printf("%d %s\n", tid, comm);
}`)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var res soakResult
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		minute := 0
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				if sample && minute > 0 {
					res.curve = append(res.curve, minute/1024)
				}
				return
			case <-tick.C:
			}
			kb := rssKB(cmd.Process.Pid)
			res.peakKB = max(res.peakKB, kb)
			minute = max(minute, kb)
			if sample && int(time.Since(start).Seconds())%60 == 59 {
				res.curve = append(res.curve, minute/1024)
				minute = 0
			}
		}
	}()
	var tail strings.Builder // what follows the printf lines: the maps
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		if len(line) > 0 && line[0] >= '0' && line[0] <= '9' {
			res.printed++
			continue
		}
		tail.WriteString(line + "\n")
	}
	err = cmd.Wait()
	el := time.Since(start)
	close(stop)
	<-sampled
	if err != nil {
		t.Fatalf("rate %s: sonde: %v\n%s", rateName(rate), err, stderr.String())
	}
	data, err := os.ReadFile(countFile)
	if err != nil {
		t.Fatalf("rate %s: the workload wrote no count: %v", rateName(rate), err)
	}
	res.calls, _ = strconv.ParseUint(string(data), 10, 64)
	res.perSec = float64(res.calls) / min(el.Seconds(), d.Seconds())
	if m := soakLostRe.FindStringSubmatch(stderr.String()); m != nil {
		res.lost, _ = strconv.ParseUint(m[1], 10, 64)
	}
	var counted, byTid uint64
	if m := soakCallsRe.FindStringSubmatch(tail.String()); m != nil {
		counted, _ = strconv.ParseUint(m[1], 10, 64)
	}
	for _, m := range soakTidRe.FindAllStringSubmatch(tail.String(), -1) {
		n, _ := strconv.ParseUint(m[1], 10, 64)
		byTid += n
	}
	if counted != res.calls || byTid != res.calls {
		t.Errorf("rate %s: the maps counted %d (by tid %d) of %d calls", rateName(rate), counted, byTid, res.calls)
	}
	if res.printed+res.lost != res.calls {
		t.Errorf("rate %s: %d printed + %d reported lost != %d calls: events lost silently", rateName(rate), res.printed, res.lost, res.calls)
	}
	return res
}

// rssKB is a process's resident set in KiB (0 once it is gone).
func rssKB(pid int) int {
	data, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n
		}
	}
	return 0
}
