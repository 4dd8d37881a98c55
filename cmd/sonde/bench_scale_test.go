package main

import (
	"fmt"
	"strings"
	"testing"
)

// Issue 15: start to exit of scripts with many probes, each op a whole run
// in-process. ns/op divided by the probe count should stay flat from 10
// to 1,000 probes: a quadratic step anywhere (compile, load, attach,
// detach) shows as a rising cost per probe.

// BenchmarkSyscallWildcard is every syscall's entry counted per probe,
// dispatched from one raw_syscalls program; PerTracepoint is the same
// script attached one tracepoint at a time (the form before dispatch).
func BenchmarkSyscallWildcard(b *testing.B) {
	benchRun(b, `tracepoint:syscalls:sys_enter_* { @[probe] = count(); } BEGIN { exit(); }`)
}

func BenchmarkSyscallWildcardPerTracepoint(b *testing.B) {
	b.Setenv("SONDE_SYSCALL_DISPATCH", "off")
	benchRun(b, `tracepoint:syscalls:sys_enter_* { @[probe] = count(); } BEGIN { exit(); }`)
}

// BenchmarkIntervalProbes runs N interval probes with small bodies.
func BenchmarkIntervalProbes(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchRun(b, manyIntervals(n)) })
	}
}

// BenchmarkCompileProbes is the compile step alone (-d asm) of N probes.
func BenchmarkCompileProbes(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchRun(b, manyIntervals(n), "-d", "asm") })
	}
}

// manyIntervals is n interval probes, each counting into its own key (a
// period of a second or more: none fires before exit()).
func manyIntervals(n int) string {
	var sb strings.Builder
	for i := range n {
		fmt.Fprintf(&sb, "interval:ms:%d { @[%d] = count(); }\n", 1000+i, i)
	}
	sb.WriteString("BEGIN { exit(); }\n")
	return sb.String()
}
