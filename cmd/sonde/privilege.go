package main

import (
	"os"
	"strconv"
	"strings"
)

// Capability bits (linux/capability.h).
const (
	capSysAdmin = 21
	capPerfmon  = 38
	capBPF      = 39
)

// privileged reports whether this process may load and attach BPF
// programs: root, CAP_SYS_ADMIN, or CAP_BPF with CAP_PERFMON. Without, a
// run says so in one line before compiling, instead of failing at the
// first probe that reads tracefs or loads a program.
func privileged() bool {
	if os.Geteuid() == 0 {
		return true
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return true // unknown: let the kernel decide
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "CapEff:"); ok {
			caps, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			if err != nil {
				return true
			}
			has := func(c uint) bool { return caps&(1<<c) != 0 }
			return has(capSysAdmin) || (has(capBPF) && has(capPerfmon))
		}
	}
	return true
}
