package metrics

import (
	"os"
	"strconv"
	"strings"
	"time"

	dto "github.com/prometheus/client_model/go"
)

// clockTicks is USER_HZ, the unit of /proc/self/stat's CPU times: 100 on
// every Linux architecture sonde runs on.
const clockTicks = 100

var startTime = float64(time.Now().UnixNano()) / 1e9

// processFamilies are the process_* metrics Prometheus clients export, read
// from /proc/self: what an operator watches to see the exporter's own
// cost. Unreadable values are left out.
func processFamilies() []*dto.MetricFamily {
	var out []*dto.MetricFamily
	if b, err := os.ReadFile("/proc/self/stat"); err == nil {
		// Fields after the command name, which may hold spaces: state is
		// field 3, utime 14, stime 15, rss 24 (in pages).
		if i := strings.LastIndexByte(string(b), ')'); i >= 0 {
			f := strings.Fields(string(b[i+1:]))
			if len(f) > 21 {
				utime, _ := strconv.ParseFloat(f[11], 64)
				stime, _ := strconv.ParseFloat(f[12], 64)
				rss, _ := strconv.ParseFloat(f[21], 64)
				out = append(out,
					single("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", dto.MetricType_COUNTER, (utime+stime)/clockTicks),
					single("process_resident_memory_bytes", "Resident memory size in bytes.", dto.MetricType_GAUGE, rss*float64(os.Getpagesize())))
			}
		}
	}
	if fds, err := os.ReadDir("/proc/self/fd"); err == nil {
		out = append(out, single("process_open_fds", "Number of open file descriptors.", dto.MetricType_GAUGE, float64(len(fds))))
	}
	out = append(out, single("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", dto.MetricType_GAUGE, startTime))
	return out
}
