package lang

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"
)

// benchScript generates a script of about n lines mixing the common
// constructs: probes with predicates, maps, casts, ifs, printf.
func benchScript(n int) []byte {
	var b strings.Builder
	for i := 0; b.Len() == 0 || strings.Count(b.String(), "\n") < n; i++ {
		fmt.Fprintf(&b, `tracepoint:syscalls:sys_enter_read%d,
kprobe:vfs_read%d /pid == %d && comm != "bash"/ {
	$task = (struct task_struct *)curtask;
	@start[tid] = nsecs;
	@bytes[comm, pid] = hist(args.count * 2 + %d);
	if ($task->real_parent->pid > 1) {
		printf("%%s %%d\n", comm, $task->pid);
	} else {
		@other = count();
	}
	$x = @start[tid] ? (nsecs - @start[tid]) / 1000 : -1;
}
`, i, i, i, i)
	}
	return []byte(b.String())
}

func benchParse(b *testing.B, lines int) {
	src := benchScript(lines)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		if _, err := Parse("bench.sd", src); err != nil {
			b.Fatal(err)
		}
	}
	// CPU time (GC included) is steadier than wall time on a shared machine.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkParse2000Lines(b *testing.B)  { benchParse(b, 2000) }
func BenchmarkParse20000Lines(b *testing.B) { benchParse(b, 20000) }
