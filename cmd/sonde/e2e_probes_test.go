package main

import (
	"testing"
	"time"
)

// Probe types other than tracepoints: interval, profile, software, and the
// begin/end sequence.
func TestE2EProbes(t *testing.T) {
	runE2E(t, []e2eCase{
		{name: "interval_ms", prog: `interval:ms:100 { @x++; if (@x == 4) { exit(); } }`,
			want: "\n\n@x: 4\n"},
		{name: "interval_us", prog: `interval:us:100000 { @x++; if (@x == 4) { exit(); } }`,
			want: "\n\n@x: 4\n"},
		// Counted to a fixed number, so a loaded machine cannot change the
		// result; the elapsed check is a lower bound (timers never fire early).
		{name: "interval_hz", prog: `interval:hz:20 { @n++; if (@n == 10) { @slow_enough = elapsed >= 450000000; exit(); } }`,
			want: "\n\n@n: 10\n@slow_enough: true\n"},
		{name: "interval_duration_form", prog: `interval:100ms { @n++; if (@n == 3) { @slow_enough = elapsed >= 250000000; exit(); } }`,
			want: "\n\n@n: 3\n@slow_enough: true\n"},
		{name: "interval_s", prog: `interval:s:1 { @n++; exit(); }`,
			want: "\n\n@n: 1\n"},
		{name: "profile", prog: `profile:hz:99 { @ = count(); } interval:ms:500 { exit(); }`,
			re: `^\n\n@: [1-9][0-9]*\n$`},
		{name: "profile_probe_name", prog: `profile:hz:99 { @[probe] = count(); } interval:ms:300 { exit(); }`,
			re: `^\n\n@\[profile:hz:99\]: [1-9][0-9]*\n$`},
		{name: "software_page_faults", work: "read:4:4000000",
			prog: `software:page-faults:1 /pid == cpid/ { @ = count(); }`,
			re:   `^\n\n@: [1-9][0-9]*\n$`},
		{name: "software_faults_alias", work: "read:4:4000000",
			prog: `software:faults:1 /pid == cpid/ { @ = count(); }`,
			re:   `^\n\n@: [1-9][0-9]*\n$`},
		{name: "software_cpu_clock", prog: `software:cpu-clock:1000000 { @n = count(); } interval:ms:100 { exit(); }`,
			re: `^\n\n@n: [1-9][0-9]*\n$`},
		{name: "begin_end_in_order",
			prog: `BEGIN { printf("b1\n"); } END { printf("e1\n"); } BEGIN { printf("b2\n"); } END { printf("e2\n"); }`,
			want: "b1\nb2\ne1\ne2\n\n\n"},
		{name: "lowercase_begin_end",
			prog: `begin { printf("b\n"); } end { printf("e\n"); }`,
			want: "b\ne\n\n\n"},
		{name: "begin_only_exits_by_itself",
			prog: `BEGIN { @a = 1; }`, want: "\n\n@a: 1\n"},
		{name: "end_maps_after_exit",
			prog: `interval:ms:10 { @t = 1; exit(); } END { @e = 2; }`,
			want: "\n\n@e: 2\n@t: 1\n"},
		{name: "end_printf_after_exit",
			prog: `interval:ms:10 { printf("tick\n"); exit(); } END { printf("end\n"); }`,
			want: "tick\nend\n\n\n"},
		{name: "begin_end_with_interval",
			prog: `BEGIN { printf("b1\n"); } BEGIN { printf("b2\n"); } END { printf("e1\n"); } END { printf("e2\n"); } interval:ms:50 { printf("i\n"); exit(); }`,
			want: "b1\nb2\ni\ne1\ne2\n\n\n"},
		{name: "attached_count_with_wildcard", errRe: `^Attached 3 probes\n$`,
			prog: `BEGIN { } tracepoint:syscalls:sys_enter_getpi* { } interval:ms:10 { exit(); }`,
			want: "\n\n"},
		{name: "quiet", flags: []string{"-q"}, errRe: `^$`,
			prog: `BEGIN { printf("x\n"); }`, want: "x\n\n\n"},
	})
}

// A run with -c ends when the child exits, whatever else the script has.
func TestE2EChildExitEndsRun(t *testing.T) {
	needRoot(t)
	for _, prog := range []string{
		`tracepoint:syscalls:sys_enter_getpid { @ = count(); }`,
		`interval:s:120 { exit(); }`,
		`tracepoint:syscalls:sys_enter_getpid /pid == cpid/ { printf("x\n"); }`,
	} {
		t.Run(prog, func(t *testing.T) {
			start := time.Now()
			_, errOut, code := sondeTimeout(t, 100*time.Second, "-c", "/bin/true", "-e", prog)
			if code != 0 {
				t.Errorf("exit code %d: %s", code, errOut)
			}
			// Not a timing check: the margin only tells "ended with the
			// child" from "ended by the 120 s interval".
			if d := time.Since(start); d > 60*time.Second {
				t.Errorf("sonde took %v to notice that its child exited", d)
			}
		})
	}
}
