package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Every acceptance script (reference section 7, in lang/testdata) compiles,
// passes the kernel's verifier and attaches (--dry-run), unless this kernel
// lacks what it needs; those are listed with the reason.
func TestAcceptanceScriptsLoad(t *testing.T) {
	needRoot(t)
	// Scripts that cannot run on this machine, and the error that says why.
	unavailable := map[string]string{
		"20_cgroup_opens.sd":   `cgroupid: no such file or directory`,                         // the cgroup it names does not exist here
		"27_loads.sd":          `unknown kernel symbol avenrun`,                               // data symbols need CONFIG_KALLSYMS_ALL
		"28b_runqlen.sd":       `struct cfs_rq has no field "nr_running"`,                     // renamed nr_queued in Linux 6.14
		"29b_threadsnoop.sd":   `libpthread.so.0 exists but no longer defines pthread_create`, // glibc 2.34 moved it into libc
		"12_vfs_open_paths.sd": `kprobe|fentry|this kernel has no`,                            // kprobes are off here
		"06_read_linear.sd":    `kprobe|kretprobe|fexit|this kernel has no`,                   // idem
		"07_read_latency.sd":   `kprobe|kretprobe|fentry|fexit|this kernel has no`,            // idem
		"30b_biostacks.sd":     `kprobe|fentry|this kernel has no`,                            // idem
		"18_cache_misses.sd":   `hardware|perf event|not supported|no such device`,            // no hardware counters in a VM
	}
	files, _ := filepath.Glob("../../lang/testdata/acceptance/*.sd")
	if len(files) == 0 {
		t.Fatal("no acceptance scripts")
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(strings.TrimSuffix(name, ".sd"), func(t *testing.T) {
			if name == "01_list_enter_syscalls.sd" {
				// Attaching is quick, but detaching 360 tracepoints takes the
				// kernel ~20 s (bpftrace: 50 s): list them instead.
				stdout, stderr, code := sondeTimeout(t, 20*time.Second, "-l", f)
				if n := strings.Count(stdout, "\ntracepoint:syscalls:sys_enter_"); code != 0 || n < 200 {
					t.Errorf("exit %d, %d probes listed:\n%s", code, n, stderr)
				}
				return
			}
			_, stderr, code := sondeTimeout(t, 20*time.Second, "--dry-run", f)
			if want, ok := unavailable[name]; ok {
				if code == 0 {
					return // the kernel has it after all
				}
				if !regexp.MustCompile(want).MatchString(stderr) {
					t.Errorf("failed for another reason than %q:\n%s", want, stderr)
				}
				t.Skipf("not available here: %s", strings.TrimSpace(stderr))
			}
			if code != 0 {
				t.Errorf("exit %d:\n%s", code, stderr)
			}
		})
	}
}
