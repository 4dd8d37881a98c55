package main

import (
	"fmt"
	"os/exec"
	"testing"
)

// Two processes hammer the same key on different CPUs: per-CPU aggregations
// merged in user space and atomic adds on plain maps must both be exact.
func TestE2EConcurrency(t *testing.T) {
	needRoot(t)
	const n = 300000
	if onlineCPUs(t) < 2 {
		t.Skip("needs two CPUs")
	}
	w := e2eWorkCmd(t, fmt.Sprintf("getpid:%d", n))
	pin := func(cpu int) string { return "" }
	_, err := exec.LookPath("taskset")
	pinned := err == nil
	if pinned {
		pin = func(cpu int) string { return fmt.Sprintf("taskset -c %d ", cpu) }
	}
	// The shell (cpid) starts both workloads in parallel: their parent is
	// cpid and their comm is the test binary's.
	cmd := fmt.Sprintf(`sh -c '%s%s & %s%s & wait'`, pin(0), w, pin(1), w)
	filter := fmt.Sprintf(`/ppid == cpid && comm == "%s"/`, exeComm(t))
	cases := []e2eCase{
		{name: "count", cmd: cmd, want: fmt.Sprintf("\n\n@: %d\n", 2*n),
			prog: `tracepoint:syscalls:sys_enter_getpid ` + filter + ` { @ = count(); }`},
		{name: "count_keyed", cmd: cmd, want: fmt.Sprintf("\n\n@[%s]: %d\n", exeComm(t), 2*n),
			prog: `tracepoint:syscalls:sys_enter_getpid ` + filter + ` { @[comm] = count(); }`},
		{name: "count_by_cpu", cmd: cmd, want: fmt.Sprintf("\n\n@[0]: %d\n@[1]: %d\n", n, n),
			prog: `tracepoint:syscalls:sys_enter_getpid ` + filter + ` { @[cpu] = count(); }`},
		{name: "sum", cmd: cmd, want: fmt.Sprintf("\n\n@: %d\n", 6*n),
			prog: `tracepoint:syscalls:sys_enter_getpid ` + filter + ` { @ = sum(3); }`},
		{name: "plain_map_increment", cmd: cmd, want: fmt.Sprintf("\n\n@x: %d\n", 2*n),
			prog: `tracepoint:syscalls:sys_enter_getpid ` + filter + ` { @x++; }`},
		{name: "plain_map_add_keyed", cmd: cmd, want: fmt.Sprintf("\n\n@x[1]: %d\n", 4*n),
			prog: `tracepoint:syscalls:sys_enter_getpid ` + filter + ` { @x[1] += 2; }`},
		{name: "hist", cmd: cmd, want: "\n\n@h:\n" + hblock("[1]", 2*n) + "\n",
			prog: `tracepoint:syscalls:sys_enter_getpid ` + filter + ` { @h = hist(1); }`},
		{name: "stats", cmd: cmd, want: fmt.Sprintf("\n\n@s: { .count = %d, .average = 2, .total = %d }\n", 2*n, 4*n),
			prog: `tracepoint:syscalls:sys_enter_getpid ` + filter + ` { @s = stats(2); }`},
	}
	if !pinned {
		cases[2].skip = "taskset not found: cannot pin the workloads to CPUs 0 and 1"
	}
	runE2E(t, cases)
}
