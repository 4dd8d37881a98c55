package main

import (
	"fmt"
	"regexp"
	"testing"
	"time"
)

// A child making exactly N getpid calls must be counted exactly N times,
// in every spelling of the count. (The filters leave out comm "sh": see
// TestE2EChildTracedFromExec for why.)
func TestE2ECount(t *testing.T) {
	const n = 3000
	work := fmt.Sprintf("getpid:%d", n)
	comm := exeComm(t)
	pidKeyed := func(t *testing.T, stdout, _ string) {
		m := regexp.MustCompile(`^\n\n@\[(\d+)\]: (\d+)\n@cpid: (\d+)\n$`).FindStringSubmatch(stdout)
		if m == nil {
			t.Fatalf("unexpected output %q", stdout)
		}
		if m[1] != m[3] {
			t.Errorf("key pid %s, want cpid %s", m[1], m[3])
		}
		if m[2] != fmt.Sprint(n) {
			t.Errorf("count %s, want %d", m[2], n)
		}
	}
	runE2E(t, []e2eCase{
		{name: "pid_key", work: work, check: pidKeyed,
			prog: `BEGIN { @cpid = cpid; } tracepoint:syscalls:sys_enter_getpid /pid == cpid && comm != "sh"/ { @[pid] = count(); }`},
		{name: "tid_key_short_provider", work: work, check: pidKeyed,
			prog: `BEGIN { @cpid = cpid; } t:syscalls:sys_enter_getpid /tid == cpid && comm != "sh"/ { @[tid] = count(); }`},
		{name: "keyless", work: work, want: fmt.Sprintf("\n\n@: %d\n", n),
			prog: `tracepoint:syscalls:sys_enter_getpid /pid == cpid && comm != "sh"/ { @ = count(); }`},
		{name: "comm_key", work: work, want: fmt.Sprintf("\n\n@[%s]: %d\n", comm, n),
			prog: `tracepoint:syscalls:sys_enter_getpid /pid == cpid && comm != "sh"/ { @[comm] = count(); }`},
		{name: "named_map_incr", work: work, want: fmt.Sprintf("\n\n@calls: %d\n", n),
			prog: `tp:syscalls:sys_enter_getpid /pid == cpid && comm != "sh"/ { @calls++; }`},
		{name: "named_map_add", work: work, want: fmt.Sprintf("\n\n@calls: %d\n", 3*n),
			prog: `tp:syscalls:sys_enter_getpid /pid == cpid && comm != "sh"/ { @calls += 3; }`},
		{name: "sum_of_exit_ret_is_pid", work: "getpid:10",
			prog: `BEGIN { @cpid = cpid; } tp:syscalls:sys_exit_getpid /pid == cpid && comm != "sh"/ { @s = sum(args.ret); @c = count(); }`,
			check: func(t *testing.T, stdout, _ string) {
				m := regexp.MustCompile(`^\n\n@c: 10\n@cpid: (\d+)\n@s: (\d+)\n$`).FindStringSubmatch(stdout)
				if m == nil {
					t.Fatalf("unexpected output %q", stdout)
				}
				if atoiT(t, m[2]) != 10*atoiT(t, m[1]) {
					t.Errorf("sum of getpid returns %s, want 10*%s", m[2], m[1])
				}
			}},
		{name: "declarative_count", work: work, want: fmt.Sprintf("\n\n@: %d\n", n),
			prog: `tp:syscalls:sys_enter_getpid /pid == cpid && comm != "sh"/ < count() >`},
		{name: "declarative_count_by_comm", work: work, want: fmt.Sprintf("\n\n@[%s]: %d\n", comm, n),
			prog: `tp:syscalls:sys_enter_getpid /pid == cpid && comm != "sh"/ < count() by comm >`},
		{name: "predicate_excludes_everything", work: work, want: "\n\n",
			prog: `tp:syscalls:sys_enter_getpid /pid == cpid + 1000000/ { @ = count(); }`},
	})
}

// A script that uses the ring buffer (printf) and ends because its -c child
// exits must end too (it must not wait forever for more events).
func TestE2EChildExitWithEvents(t *testing.T) {
	runE2E(t, []e2eCase{
		{name: "printf_in_begin", work: "getpid:10",
			prog: `BEGIN { printf("start\n"); } tp:syscalls:sys_enter_getpid /pid == cpid && comm != "sh"/ { @ = count(); }`,
			want: "start\n\n\n@: 10\n"},
		{name: "printf_per_event", work: "getpid:10",
			prog: `tp:syscalls:sys_enter_getpid /pid == cpid && comm != "sh"/ { printf("x"); }`,
			want: "xxxxxxxxxx\n\n"},
	})
}

// With -c, tracing starts at the command: the syscalls of whatever sonde uses
// to hold the child until attach (a /bin/sh wrapper, which calls getpid at
// startup) must not be seen. bpftrace forks, waits on a pipe and execs, so
// only the command's own getpid calls are counted. Repeated to catch the race
// between the wrapper's startup and attach.
func TestE2EChildTracedFromExec(t *testing.T) {
	needRoot(t)
	want := fmt.Sprintf("\n\n@[%s]: 100\n", exeComm(t))
	bad := 0
	for i := 0; i < 15; i++ {
		out, errOut, code := sondeTimeout(t, 15*time.Second, "-q", "-c", e2eWorkCmd(t, "getpid:100"),
			"-e", `tracepoint:syscalls:sys_enter_getpid /pid == cpid/ { @[comm] = count(); }`)
		if code != 0 {
			t.Fatalf("exit code %d: %s", code, errOut)
		}
		if out != want {
			bad++
			t.Logf("run %d: got %q, want %q", i, out, want)
		}
	}
	if bad > 0 {
		t.Errorf("%d of 15 runs counted getpid calls that are not the command's (the -c wrapper shell's)", bad)
	}
}
