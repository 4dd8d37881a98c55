package main

import (
	"io"
	"os"
	"strings"
	"testing"
)

// Startup of scripts that need kernel BTF, against the same script without
// it: each op is a whole run in-process (parse, BTF, compile, load,
// attach, BEGIN, exit, detach). The BTF cache is per process in sonde, so
// each op pays a cold BTF load here too (a fresh lazyBTF per run).
func BenchmarkStartupBTF(b *testing.B) {
	benchRun(b, `tracepoint:sched:sched_switch { @[curtask->comm] = count(); } BEGIN { exit(); }`)
}

func BenchmarkStartupNoBTF(b *testing.B) {
	benchRun(b, `tracepoint:sched:sched_switch { @[comm] = count(); } BEGIN { exit(); }`)
}

// BenchmarkCompileBTF is the compile step alone (-d asm): BTF load and
// type lookups included.
func BenchmarkCompileBTF(b *testing.B) {
	benchRun(b, `tracepoint:sched:sched_switch { @[curtask->comm] = count(); } BEGIN { exit(); }`, "-d", "asm")
}

func benchRun(b *testing.B, prog string, flags ...string) {
	if os.Geteuid() != 0 {
		b.Skip("needs root")
	}
	args := append(append([]string{"-q"}, flags...), "-e", prog)
	for b.Loop() {
		if code := run(args, strings.NewReader(""), io.Discard, io.Discard); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
}
