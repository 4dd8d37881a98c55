package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The metrics benchmarks, side by side with the same scripts printed at
// exit:
//
//	go test ./cmd/sonde -run '^$' -bench 'Metrics|PrintAtExit' -benchtime 10x
//	SONDE_SOAK=10m go test ./cmd/sonde -run '^$' -bench MetricsSoak -benchtime 1x

const bigMapKeys = 100000

// bigMapScript fills one key per getppid call: nsecs differ every time.
const bigMapScript = `tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { @[nsecs] = count(); }`

var bigMapEnv = []string{"BPFTRACE_MAX_MAP_KEYS=" + strconv.Itoa(2*bigMapKeys)}

func scrapeBytes(b testing.TB, addr string) int {
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil || resp.StatusCode != 200 {
		b.Fatalf("scrape: %v %s", err, resp.Status)
	}
	return int(n)
}

// statusKB reads a VmRSS/VmHWM-style field of /proc/PID/status, in kB.
func statusKB(b testing.TB, pid int, field string) int {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	b.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

// A scrape of a 100,000-key map, and sonde's peak RSS while serving it.
func BenchmarkMetricsScrape100k(b *testing.B) {
	r := startMetricsScript(b, "wl-bigmap", fmt.Sprintf("getppid:%d", bigMapKeys), bigMapScript, bigMapEnv...)
	if n := scrapeBytes(b, r.addr); n < bigMapKeys*20 {
		b.Fatalf("scrape of %d bytes: the map is not full", n)
	}
	b.ResetTimer()
	size := 0
	for i := 0; i < b.N; i++ {
		size = scrapeBytes(b, r.addr)
	}
	b.StopTimer()
	b.ReportMetric(float64(statusKB(b, r.cmd.Process.Pid, "VmHWM"))/1024, "peakRSS-MB")
	b.ReportMetric(float64(size)/(1<<20), "scrape-MB")
	r.stop(b)
}

// The same map printed at exit: the run's wall time with 100,000 keys
// minus the same run with one key (startup, attach, workload alike).
func BenchmarkPrintAtExit100k(b *testing.B) {
	needRoot(b)
	bin := sondeBinary(b)
	link := workloadLink(b, "wl-bigmap")
	run := func(script string) (time.Duration, int) {
		cmd := exec.Command(bin, "-q", "-c", fmt.Sprintf("env SONDE_WORKLOAD=getppid:%d %s", bigMapKeys, link), "-e", script)
		cmd.Env = append(os.Environ(), bigMapEnv...)
		cmd.Stdout = io.Discard
		start := time.Now()
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
		return time.Since(start), int(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss)
	}
	var print time.Duration
	rss := 0
	for i := 0; i < b.N; i++ {
		big, kb := run(bigMapScript)
		one, _ := run(`tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { @[0] = count(); }`)
		print += big - one
		rss = max(rss, kb)
	}
	b.ReportMetric(float64(print.Microseconds())/1000/float64(b.N), "print-ms")
	b.ReportMetric(float64(rss)/1024, "peakRSS-MB")
	b.ReportMetric(0, "ns/op")
}

// The per-event cost of tracing with metrics on (and scraped every
// second) and off: a workload's getppid calls, timed from the outside,
// less the same workload untraced.
func BenchmarkMetricsEventCost(b *testing.B) {
	needRoot(b)
	const calls = 2000000
	script := `tracepoint:syscalls:sys_enter_getppid { @[tid] = count(); }`
	bin := sondeBinary(b)
	link := workloadLink(b, "wl-events")
	workload := func() time.Duration {
		cmd := exec.Command(link)
		cmd.Env = append(os.Environ(), fmt.Sprintf("SONDE_WORKLOAD=getppid:%d", calls))
		start := time.Now()
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	traced := func(args ...string) time.Duration {
		cmd := exec.Command(bin, append(args, "-e", script)...)
		stderr, _ := cmd.StderrPipe()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		defer func() {
			cmd.Process.Signal(syscall.SIGINT)
			cmd.Wait()
		}()
		buf := make([]byte, 4096)
		var got strings.Builder
		addr := ""
		for !strings.Contains(got.String(), "Attached") || (len(args) > 0 && !strings.Contains(got.String(), "/metrics\n")) {
			n, err := stderr.Read(buf)
			if err != nil {
				b.Fatalf("sonde: %v: %s", err, got.String())
			}
			got.Write(buf[:n])
		}
		go io.Copy(io.Discard, stderr)
		if len(args) > 0 {
			s := got.String()
			addr = s[strings.Index(s, "http://")+7 : strings.Index(s, "/metrics")]
			stop := make(chan struct{})
			defer close(stop)
			go func() {
				for {
					select {
					case <-stop:
						return
					case <-time.After(time.Second):
						scrapeBytes(b, addr)
					}
				}
			}()
		}
		return workload()
	}
	// Medians over the iterations: the machine is shared, and one slow
	// run says little. Each iteration runs the three back to back.
	var plain, metrics []float64
	for i := 0; i < b.N; i++ {
		base := workload()
		plain = append(plain, float64((traced()-base).Nanoseconds())/calls)
		metrics = append(metrics, float64((traced("--metrics", "127.0.0.1:0")-base).Nanoseconds())/calls)
	}
	median := func(xs []float64) float64 {
		slices.Sort(xs)
		return xs[len(xs)/2]
	}
	b.ReportMetric(median(plain), "ns/event-plain")
	b.ReportMetric(median(metrics), "ns/event-metrics")
	b.ReportMetric(0, "ns/op")
}

// Scrapes every second for SONDE_SOAK (default 30s) of the 100,000-key
// map: sonde's mean RSS over the first, the middle and the last tenth of
// the scrapes (flat when nothing leaks; single samples swing with the
// collector), and its peak.
func BenchmarkMetricsSoak(b *testing.B) {
	d := 30 * time.Second
	if s := os.Getenv("SONDE_SOAK"); s != "" {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			b.Fatal(err)
		}
	}
	r := startMetricsScript(b, "wl-soak", fmt.Sprintf("getppid:%d", bigMapKeys), bigMapScript, bigMapEnv...)
	pid := r.cmd.Process.Pid
	var rss []int
	for i := 0; i < b.N; i++ {
		end := time.Now().Add(d)
		for time.Now().Before(end) {
			scrapeBytes(b, r.addr)
			rss = append(rss, statusKB(b, pid, "VmRSS"))
			time.Sleep(time.Second)
		}
	}
	mean := func(xs []int) float64 {
		sum := 0
		for _, x := range xs {
			sum += x
		}
		return float64(sum) / float64(max(len(xs), 1)) / 1024
	}
	tenth := max(len(rss)/10, 1)
	b.ReportMetric(mean(rss[:tenth]), "RSS-first10%-MB")
	b.ReportMetric(mean(rss[len(rss)/2-tenth/2:len(rss)/2-tenth/2+tenth]), "RSS-mid10%-MB")
	b.ReportMetric(mean(rss[len(rss)-tenth:]), "RSS-last10%-MB")
	b.ReportMetric(float64(slices.Max(rss))/1024, "RSS-peak-MB")
	b.ReportMetric(float64(len(rss)), "scrapes")
	b.ReportMetric(0, "ns/op")
	r.stop(b)
}
