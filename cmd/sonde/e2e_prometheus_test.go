package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A fleet of two: two sonde instances on two loopback ports, each tracing
// its own workload, scraped by a real Prometheus, which merges them.
func TestE2EPrometheusFleet(t *testing.T) {
	promBin, err := exec.LookPath("prometheus")
	if err != nil {
		t.Skip("prometheus is not installed (Debian's prometheus package; .ci/run installs it)")
	}
	// Workloads with known counts and value distributions: 50 preads of
	// 100 bytes (bucket le=127) and 10 of 3000 (le=4095) on one node, 40
	// of 6000 (le=8191) and 10 of 20000 (le=32767) on the other.
	alpha := startMetrics(t, "wl-alpha", "getppid:7,pread:50:100,pread:10:3000")
	beta := startMetrics(t, "wl-beta", "getppid:11,pread:40:6000,pread:10:20000")

	prom := startPrometheus(t, promBin, alpha.addr, beta.addr)

	// Both targets scraped after their workloads were done.
	prom.waitFor(t, `count(up{job="sonde"} == 1)`, "2")
	prom.waitFor(t, `count(sonde_calls_total)`, "2")

	if got := prom.scalar(t, `sum(sonde_calls_total)`); got != "18" {
		t.Errorf("sum(sonde_calls_total) = %s, want 18", got)
	}
	byComm := prom.vector(t, `sum by (comm) (sonde_calls_total)`, "comm")
	if want := map[string]string{"wl-alpha": "7", "wl-beta": "11"}; fmt.Sprint(byComm) != fmt.Sprint(want) {
		t.Errorf("sum by (comm) = %v, want %v", byComm, want)
	}
	if got := prom.scalar(t, `sum(sonde_size_count)`); got != "110" {
		t.Errorf("sum(sonde_size_count) = %s, want 110", got)
	}
	const sum = 50*100 + 10*3000 + 40*6000 + 10*20000
	if got := prom.scalar(t, `sum(sonde_size_sum)`); got != strconv.Itoa(sum) {
		t.Errorf("sum(sonde_size_sum) = %s, want %d", got, sum)
	}
	// Quantiles of the merged histogram, by rank among the 110 values:
	// the 33rd is a 100-byte read, the 55th a 3000-byte one, the 88th a
	// 6000-byte one, the 105th a 20000-byte one. The last two need the
	// first node's empty buckets above its largest value: without them
	// the sum by le misses its 60 values there.
	for _, q := range []struct {
		q      string
		lo, hi float64 // the bucket: (lo, hi]
	}{{"0.3", 63, 127}, {"0.5", 2047, 4095}, {"0.8", 4095, 8191}, {"0.95", 16383, 32767}} {
		s := prom.scalar(t, `histogram_quantile(`+q.q+`, sum by (le) (sonde_size_bucket))`)
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v <= q.lo || v > q.hi {
			t.Errorf("histogram_quantile(%s) = %s, want in (%v, %v]", q.q, s, q.lo, q.hi)
		}
	}
	// Labels as specified: comm and pid from the builtins, the cgroup as
	// its path, and Prometheus's own instance label telling nodes apart.
	for _, r := range []*metricsRun{alpha, beta} {
		name := "wl-alpha"
		if r == beta {
			name = "wl-beta"
		}
		got := prom.vector(t, `sonde_calls_total{comm="`+name+`"}`, "pid", "instance")
		want := map[string]string{strconv.Itoa(r.pid) + " " + r.addr: map[*metricsRun]string{alpha: "7", beta: "11"}[r]}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("sonde_calls_total{comm=%q} by pid, instance = %v, want %v", name, got, want)
		}
		if got := prom.vector(t, `sonde_bycgroup_total{instance="`+r.addr+`"}`, "cgroup_path"); len(got) != 1 || got[r.cgroup] == "" {
			t.Errorf("cgroup_path on %s = %v, want %q", r.addr, got, r.cgroup)
		}
	}
	prom.stop(t)
	alpha.stop(t)
	beta.stop(t)
}

type prometheusRun struct {
	cmd  *exec.Cmd
	base string // http://127.0.0.1:PORT
	done chan error
	log  *strings.Builder
}

// startPrometheus runs prometheus on a free loopback port with its data
// in a temporary directory, scraping targets every second.
func startPrometheus(t *testing.T, bin string, targets ...string) *prometheusRun {
	t.Helper()
	dir := t.TempDir()
	quoted := make([]string, len(targets))
	for i, a := range targets {
		quoted[i] = strconv.Quote(a)
	}
	cfg := fmt.Sprintf(`global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: sonde
    static_configs:
      - targets: [%s]
`, strings.Join(quoted, ", "))
	cfgPath := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	r := &prometheusRun{base: "http://127.0.0.1:" + port, done: make(chan error, 1), log: &strings.Builder{}}
	r.cmd = exec.Command(bin, "--config.file="+cfgPath, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address=127.0.0.1:"+port, "--log.level=warn")
	r.cmd.Stdout, r.cmd.Stderr = r.log, r.log
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.done <- r.cmd.Wait() }()
	t.Cleanup(func() { r.stop(t) })
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(r.base + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return r
			}
		}
		select {
		case err := <-r.done:
			r.done <- err
			t.Fatalf("prometheus exited: %v\n%s", err, r.log.String())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("prometheus not ready in 60s:\n%s", r.log.String())
		}
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

func (r *prometheusRun) stop(t *testing.T) {
	if r.cmd.ProcessState != nil {
		return
	}
	r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.done:
	case <-time.After(20 * time.Second):
		r.cmd.Process.Kill()
		<-r.done
		t.Errorf("prometheus did not stop within 20s of SIGTERM")
	}
}

type promSample struct {
	Metric map[string]string `json:"metric"`
	Value  [2]any            `json:"value"`
}

// query runs an instant query and returns its vector.
func (r *prometheusRun) query(t *testing.T, q string) []promSample {
	t.Helper()
	resp, err := http.Get(r.base + "/api/v1/query?query=" + url.QueryEscape(q))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			ResultType string       `json:"resultType"`
			Result     []promSample `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("query %s: %v", q, err)
	}
	if body.Status != "success" {
		t.Fatalf("query %s: %s", q, body.Error)
	}
	return body.Data.Result
}

// scalar is the value of a query that yields one sample ("" for none).
func (r *prometheusRun) scalar(t *testing.T, q string) string {
	t.Helper()
	res := r.query(t, q)
	if len(res) != 1 {
		return ""
	}
	s, _ := res[0].Value[1].(string)
	return s
}

// vector maps the labels (joined by spaces) of each sample to its value.
func (r *prometheusRun) vector(t *testing.T, q string, labels ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, s := range r.query(t, q) {
		var key []string
		for _, l := range labels {
			key = append(key, s.Metric[l])
		}
		v, _ := s.Value[1].(string)
		out[strings.Join(key, " ")] = v
	}
	return out
}

// waitFor polls q until it yields want: scrapes happen on Prometheus's
// clock. Bounded: 60 s.
func (r *prometheusRun) waitFor(t *testing.T, q, want string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var got string
	for time.Now().Before(deadline) {
		if got = r.scalar(t, q); got == want {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	targets := r.query(t, `up`)
	sort.Slice(targets, func(i, j int) bool { return targets[i].Metric["instance"] < targets[j].Metric["instance"] })
	t.Fatalf("%s = %q after 60s, want %s (up: %v)\n%s", q, got, want, targets, r.log.String())
}
