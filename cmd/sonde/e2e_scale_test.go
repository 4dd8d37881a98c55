package main

import "testing"

// Issue 15: many probes, run after run. -v shows where a run's time goes.
func TestE2EVerbosePhases(t *testing.T) {
	runE2E(t, []e2eCase{{
		name:  "phases and verifier counts",
		prog:  `tracepoint:syscalls:sys_enter_getpid { @ = count(); } BEGIN { exit(); }`,
		flags: []string{"-v"},
		re:    `^\n`,
		errRe: `(?m)^Attached 2 probes\n` +
			`sonde: phases: parse [0-9.]+(ms|µs), check [0-9.]+(ms|µs)( \(BTF [0-9.]+(ms|µs)\))?, codegen [0-9.]+(ms|µs), ` +
			`load [0-9.]+(ms|µs), attach [0-9.]+(ms|µs), detach [0-9.]+(ms|µs), print [0-9.]+(ms|µs)\n` +
			`sonde: verifier: 2 programs, \d+ instructions processed; per probe: (tracepoint:syscalls:sys_enter_getpid \d+, begin \d+|begin \d+, tracepoint:syscalls:sys_enter_getpid \d+)\n$`,
	}})
}
