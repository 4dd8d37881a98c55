package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// metricsScript is what the metrics tests serve: counts by builtin keys,
// the preads' requested sizes (a known distribution: the workload's
// marker offset picks them out) as every kind of aggregation, and a map
// the script deletes from.
const metricsScript = `
BEGIN { printf("started\n"); }
tracepoint:syscalls:sys_enter_getppid /pid == cpid/ {
	@calls[comm, pid] = count();
	@byprobe[probe] = count();
	@bycgroup[cgroup] = count();
	@stacks[kstack(2)] = count();
	@live[pid] = count();
	delete(@live, 1);
}
tracepoint:syscalls:sys_enter_pread64 /pid == cpid && args.pos == 4242/ {
	@size = hist(args.count);
	@linear = lhist(args.count, 0, 8000, 2000);
	@st = stats(args.count);
	@biggest = max(args.count);
	@bytes[comm] = sum(args.count);
}
`

// workloadLink is the test binary under another name, so the workload's
// comm is name (comm is the basename a program is executed as).
func workloadLink(t testing.TB, name string) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), name)
	if err := os.Symlink(exe, link); err != nil {
		t.Fatal(err)
	}
	return link
}

// metricsRun is a sonde --metrics process tracing one workload.
type metricsRun struct {
	cmd    *exec.Cmd
	addr   string // host:port it serves on
	stdout *strings.Builder
	done   chan error
	pid    int    // the workload's pid, once it has written marker
	cgroup string // the workload's cgroup v2 path
}

// startMetrics runs `sonde --metrics 127.0.0.1:0 -c WORKLOAD -e metricsScript`,
// the workload being steps, then "mark" of a file with its pid, then a
// long sleep; it returns once the workload has done its steps.
func startMetrics(t testing.TB, name, steps string) *metricsRun {
	return startMetricsScript(t, name, steps, metricsScript)
}

func startMetricsScript(t testing.TB, name, steps, script string, env ...string) *metricsRun {
	t.Helper()
	needRoot(t)
	marker := filepath.Join(t.TempDir(), "done")
	link := workloadLink(t, name)
	cmdline := fmt.Sprintf("env SONDE_WORKLOAD=%s,mark:%s,sleep:3600000 %s", steps, marker, link)
	cmd := exec.Command(sondeBinary(t), "--metrics", "127.0.0.1:0", "-c", cmdline, "-e", script)
	cmd.Env = append(os.Environ(), env...)
	r := &metricsRun{cmd: cmd, stdout: &strings.Builder{}, done: make(chan error, 1)}
	cmd.Stdout = r.stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.stop(t) })
	addrc := make(chan string, 1)
	var errText strings.Builder
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			errText.WriteString(line + "\n")
			if a, ok := strings.CutPrefix(line, "Serving metrics on http://"); ok {
				addrc <- strings.TrimSuffix(a, "/metrics")
			}
		}
		r.done <- cmd.Wait()
	}()
	select {
	case r.addr = <-addrc:
	case err := <-r.done:
		t.Fatalf("sonde exited before serving: %v\n%s", err, errText.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("sonde did not start serving in 30s:\n%s", errText.String())
	}
	deadline := time.Now().Add(120 * time.Second)
	for {
		b, err := os.ReadFile(marker)
		if err == nil && len(b) > 0 {
			r.pid, _ = strconv.Atoi(string(b))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("workload %s did not finish its steps in 120s", name)
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.cgroup = cgroupOf(t, r.pid)
	return r
}

// stop ends sonde as an operator would (SIGINT) and checks it exits.
func (r *metricsRun) stop(t testing.TB) {
	if r.cmd.ProcessState != nil {
		return
	}
	r.cmd.Process.Signal(syscall.SIGINT)
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("sonde --metrics exited with %v after SIGINT", err)
		}
	case <-time.After(15 * time.Second):
		r.cmd.Process.Kill()
		<-r.done
		t.Errorf("sonde --metrics did not exit within 15s of SIGINT")
	}
}

// cgroupOf is a process's cgroup v2 path, from /proc/PID/cgroup.
func cgroupOf(t testing.TB, pid int) string {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if p, ok := strings.CutPrefix(l, "0::"); ok {
			return p
		}
	}
	t.Skip("no cgroup v2 hierarchy: cgroup_path labels cannot be checked")
	return ""
}

func scrape(t testing.TB, addr, accept string) (string, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", "http://"+addr+"/metrics", nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("scrape: %v %s\n%s", err, resp.Status, b)
	}
	return string(b), resp.Header.Get("Content-Type")
}

// series flattens a scrape to "name{l="v",...}" -> value, labels sorted;
// histograms and summaries as their _bucket, _sum and _count samples.
func series(t *testing.T, text string) (map[string]float64, map[string]dto.MetricType) {
	t.Helper()
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatalf("parse scrape: %v", err)
	}
	out := map[string]float64{}
	types := map[string]dto.MetricType{}
	for name, f := range fams {
		types[name] = f.GetType()
		for _, m := range f.Metric {
			var ls []string
			for _, l := range m.Label {
				ls = append(ls, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			key := func(suffix string, extra ...string) string {
				all := append(append([]string(nil), ls...), extra...)
				return name + suffix + "{" + strings.Join(all, ",") + "}"
			}
			switch f.GetType() {
			case dto.MetricType_COUNTER:
				out[key("")] = m.Counter.GetValue()
			case dto.MetricType_GAUGE:
				out[key("")] = m.Gauge.GetValue()
			case dto.MetricType_UNTYPED:
				out[key("")] = m.Untyped.GetValue()
			case dto.MetricType_SUMMARY:
				out[key("_sum")] = m.Summary.GetSampleSum()
				out[key("_count")] = float64(m.Summary.GetSampleCount())
			case dto.MetricType_HISTOGRAM:
				out[key("_sum")] = m.Histogram.GetSampleSum()
				out[key("_count")] = float64(m.Histogram.GetSampleCount())
				for _, b := range m.Histogram.Bucket {
					out[key("_bucket", fmt.Sprintf("le=%q", strconv.FormatFloat(b.GetUpperBound(), 'g', -1, 64)))] = float64(b.GetCumulativeCount())
				}
			}
		}
	}
	return out, types
}

// One sonde, scraped directly: names, types, labels and exact values.
func TestE2EMetricsScrape(t *testing.T) {
	r := startMetrics(t, "wl-scrape", "getppid:7,pread:30:100,pread:10:3000,pread:10:6000")
	text, ctype := scrape(t, r.addr, "")
	if !strings.HasPrefix(ctype, "text/plain; version=0.0.4") {
		t.Errorf("Content-Type %q, want the Prometheus text format", ctype)
	}
	got, types := series(t, text)
	pid := strconv.Itoa(r.pid)
	want := map[string]float64{
		`sonde_calls_total{comm="wl-scrape",pid="` + pid + `"}`:              7,
		`sonde_byprobe_total{probe="tracepoint:syscalls:sys_enter_getppid"}`: 7,
		`sonde_bycgroup_total{cgroup_path="` + r.cgroup + `"}`:               7,
		`sonde_live{pid="` + pid + `"}`:                                      7,
		`sonde_size_count{}`:                                                 50,
		`sonde_size_sum{}`:                                                   30*100 + 10*3000 + 10*6000,
		`sonde_size_bucket{le="0"}`:                                          0,
		`sonde_size_bucket{le="63"}`:                                         0,
		`sonde_size_bucket{le="127"}`:                                        30,
		`sonde_size_bucket{le="2047"}`:                                       30,
		`sonde_size_bucket{le="4095"}`:                                       40,
		`sonde_size_bucket{le="8191"}`:                                       50,
		`sonde_size_bucket{le="16383"}`:                                      50, // empty buckets up to the top are there
		`sonde_size_bucket{le="+Inf"}`:                                       50,
		`sonde_linear_bucket{le="-1"}`:                                       0,
		`sonde_linear_bucket{le="1999"}`:                                     30,
		`sonde_linear_bucket{le="3999"}`:                                     40,
		`sonde_linear_bucket{le="5999"}`:                                     40,
		`sonde_linear_bucket{le="7999"}`:                                     50,
		`sonde_linear_bucket{le="+Inf"}`:                                     50,
		`sonde_linear_sum{}`:                                                 93000,
		`sonde_st_count{}`:                                                   50,
		`sonde_st_sum{}`:                                                     93000,
		`sonde_biggest{}`:                                                    6000,
		`sonde_bytes_total{comm="wl-scrape"}`:                                93000,
		`sonde_lost_events_total{}`:                                          0,
		`sonde_map_update_failures_total{map="@calls"}`:                      0,
		`sonde_probes_attached{}`:                                            3,
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
		}
	}
	wantTypes := map[string]dto.MetricType{
		"sonde_calls_total": dto.MetricType_COUNTER, "sonde_live": dto.MetricType_GAUGE,
		"sonde_size": dto.MetricType_HISTOGRAM, "sonde_linear": dto.MetricType_HISTOGRAM,
		"sonde_st": dto.MetricType_SUMMARY, "sonde_biggest": dto.MetricType_GAUGE,
		"sonde_bytes_total": dto.MetricType_COUNTER, "sonde_probes_attached": dto.MetricType_GAUGE,
	}
	for name, typ := range wantTypes {
		if types[name] != typ {
			t.Errorf("%s is %v, want %v", name, types[name], typ)
		}
	}
	// The stack key: two frames, outermost first, as one folded label.
	stacks := 0
	for k, v := range got {
		if s, ok := strings.CutPrefix(k, `sonde_stacks_total{kstack="`); ok {
			stacks++
			if frames := strings.Split(strings.TrimSuffix(s, `"}`), ";"); len(frames) != 2 || v != 7 || strings.Contains(s, `\n`) {
				t.Errorf("stack label %s = %v, want 2 folded frames counted 7 times", k, v)
			}
		}
	}
	if stacks != 1 {
		t.Errorf("%d stack series, want 1", stacks)
	}

	// OpenMetrics when the scraper asks for it.
	om, ctype := scrape(t, r.addr, "application/openmetrics-text; version=1.0.0")
	if !strings.HasPrefix(ctype, "application/openmetrics-text") || !strings.HasSuffix(om, "# EOF\n") ||
		!strings.Contains(om, `sonde_calls_total{comm="wl-scrape",pid="`+pid+`"} 7.0`) {
		t.Errorf("OpenMetrics scrape (%s):\n%s", ctype, om)
	}

	// Scraping reads, never clears: a second scrape sees the same counts.
	again, _ := series(t, func() string { s, _ := scrape(t, r.addr, ""); return s }())
	if k := `sonde_calls_total{comm="wl-scrape",pid="` + pid + `"}`; again[k] != 7 {
		t.Errorf("second scrape: %s = %v, want 7", k, again[k])
	}

	r.stop(t)
	if out := r.stdout.String(); out != "started\n" {
		t.Errorf("stdout = %q: printf goes there, the maps are not printed at exit", out)
	}
}

func TestE2EMetricsBusyAddress(t *testing.T) {
	needRoot(t)
	r := startMetrics(t, "wl-busy", "getppid:1")
	_, stderr, code := sonde(t, "--metrics", r.addr, "-e", "tracepoint:syscalls:sys_enter_getpid { @ = count(); }")
	if code != 1 || !strings.Contains(stderr, "sonde: --metrics: listen tcp "+r.addr) || !strings.Contains(stderr, "address already in use") {
		t.Errorf("exit %d, stderr %q: want a one-line error naming the address", code, stderr)
	}
	if strings.Contains(stderr, "Attached") {
		t.Errorf("a busy address must fail before attaching: %q", stderr)
	}
}

func TestE2EMetricsNameCollision(t *testing.T) {
	needRoot(t)
	_, stderr, code := sonde(t, "--metrics", "127.0.0.1:0", "-e",
		"tracepoint:syscalls:sys_enter_getpid { @a = stats(pid); @a_count = max(pid); }")
	if code != 1 || !strings.Contains(stderr, "map @a_count would be exported as sonde_a_count, as map @a is") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// The scripts the Kubernetes DaemonSet serves load and attach here.
func TestE2EDeployScripts(t *testing.T) {
	needRoot(t)
	files, err := filepath.Glob("../../deploy/kubernetes/scripts/*.sd")
	if err != nil || len(files) == 0 {
		t.Fatalf("no deploy scripts: %v", err)
	}
	for _, f := range files {
		_, stderr, code := sonde(t, "--dry-run", "--metrics", "127.0.0.1:0", f)
		if code != 0 {
			t.Errorf("%s: exit %d\n%s", f, code, stderr)
		}
	}
}
