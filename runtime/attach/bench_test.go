package attach

import (
	"sonde/plan"

	"os"
	"testing"
	"time"

	"github.com/cilium/ebpf"
)

// Ten syscall tracepoints, as in the design's "start to exit" target.
var benchEvents = []string{
	"sys_enter_getpid", "sys_enter_getppid", "sys_enter_getuid", "sys_enter_geteuid",
	"sys_enter_getgid", "sys_enter_getegid", "sys_enter_gettid", "sys_enter_sched_yield",
	"sys_enter_getpgid", "sys_enter_getsid",
}

// BenchmarkTracepoints attaches and detaches ten syscall tracepoints,
// closing them with CloseAll or one after another. It reports attach and
// close time per round separately.
func BenchmarkTracepoints(b *testing.B) {
	for _, mode := range []string{"concurrent", "sequential", "two-phase"} {
		b.Run(mode, func(b *testing.B) {
			requireProvider(b, "tracepoint")
			m, err := ebpf.NewMap(&ebpf.MapSpec{Type: ebpf.PerCPUArray, KeySize: 4, ValueSize: 8, MaxEntries: 1})
			if err != nil {
				b.Fatal(err)
			}
			defer m.Close()
			prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{Type: ebpf.TracePoint, License: "GPL", Instructions: counterInsns(counter{m}, anyTask)})
			if err != nil {
				b.Fatal(err)
			}
			defer prog.Close()

			var attach, detach, release time.Duration
			for b.Loop() {
				start := time.Now()
				links := make([]Link, 0, len(benchEvents))
				for _, ev := range benchEvents {
					l, err := Attach(plan.Probe{Provider: "tracepoint", Group: "syscalls", Event: ev}, prog)
					if err != nil {
						CloseAll(links)
						b.Fatal(err)
					}
					links = append(links, l)
				}
				mid := time.Now()
				end := time.Time{}
				switch mode {
				case "concurrent":
					err = CloseAll(links)
				case "two-phase":
					// Detach (reported as close-ms) stops the programs;
					// the perf events' teardown (release-ms) is what
					// the runtime leaves to a helper process.
					var events []*os.File
					events, err = Detach(links)
					end = time.Now()
					if cerr := CloseFiles(events); cerr != nil {
						err = cerr
					}
					release += time.Since(end)
				default:
					for _, l := range links {
						if cerr := l.Close(); cerr != nil {
							err = cerr
						}
					}
				}
				if err != nil {
					b.Fatal(err)
				}
				if end.IsZero() {
					end = time.Now()
				}
				attach += mid.Sub(start)
				detach += end.Sub(mid)
			}
			b.ReportMetric(attach.Seconds()*1e3/float64(b.N), "attach-ms/op")
			b.ReportMetric(detach.Seconds()*1e3/float64(b.N), "close-ms/op")
			if mode == "two-phase" {
				b.ReportMetric(release.Seconds()*1e3/float64(b.N), "release-ms/op")
			}
		})
	}
}
