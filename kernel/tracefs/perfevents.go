package tracefs

import (
	"bufio"
	"fmt"
	"io"
	"slices"

	"golang.org/x/sys/unix"
)

// PerfEvent is a named software or hardware perf event, as bpftrace's
// software:NAME and hardware:NAME probes spell them.
type PerfEvent struct {
	Name          string
	Alias         string // a short name, or ""
	Config        uint64 // PERF_COUNT_SW_* or PERF_COUNT_HW_*
	DefaultPeriod uint64 // the sample period when the probe gives no count
}

// SoftwareEvents are the PERF_TYPE_SOFTWARE events with bpftrace's names
// and default periods, sorted by name.
var SoftwareEvents = []PerfEvent{
	{"alignment-faults", "", unix.PERF_COUNT_SW_ALIGNMENT_FAULTS, 1},
	{"bpf-output", "", unix.PERF_COUNT_SW_BPF_OUTPUT, 1},
	{"context-switches", "cs", unix.PERF_COUNT_SW_CONTEXT_SWITCHES, 1000},
	{"cpu-clock", "cpu", unix.PERF_COUNT_SW_CPU_CLOCK, 1000000},
	{"cpu-migrations", "", unix.PERF_COUNT_SW_CPU_MIGRATIONS, 1},
	{"dummy", "", unix.PERF_COUNT_SW_DUMMY, 1},
	{"emulation-faults", "", unix.PERF_COUNT_SW_EMULATION_FAULTS, 1},
	{"major-faults", "", unix.PERF_COUNT_SW_PAGE_FAULTS_MAJ, 1},
	{"minor-faults", "", unix.PERF_COUNT_SW_PAGE_FAULTS_MIN, 100},
	{"page-faults", "faults", unix.PERF_COUNT_SW_PAGE_FAULTS, 100},
	{"task-clock", "", unix.PERF_COUNT_SW_TASK_CLOCK, 1},
}

// HardwareEvents are the PERF_TYPE_HARDWARE events with bpftrace's names
// and default periods, sorted by name.
var HardwareEvents = []PerfEvent{
	{"backend-stalls", "", unix.PERF_COUNT_HW_STALLED_CYCLES_BACKEND, 1000000},
	{"branch-instructions", "branches", unix.PERF_COUNT_HW_BRANCH_INSTRUCTIONS, 100000},
	{"branch-misses", "", unix.PERF_COUNT_HW_BRANCH_MISSES, 100000},
	{"bus-cycles", "", unix.PERF_COUNT_HW_BUS_CYCLES, 100000},
	{"cache-misses", "", unix.PERF_COUNT_HW_CACHE_MISSES, 1000000},
	{"cache-references", "", unix.PERF_COUNT_HW_CACHE_REFERENCES, 1000000},
	{"cpu-cycles", "cycles", unix.PERF_COUNT_HW_CPU_CYCLES, 1000000},
	{"frontend-stalls", "", unix.PERF_COUNT_HW_STALLED_CYCLES_FRONTEND, 1000000},
	{"instructions", "", unix.PERF_COUNT_HW_INSTRUCTIONS, 1000000},
	{"ref-cycles", "", unix.PERF_COUNT_HW_REF_CPU_CYCLES, 1000000},
}

// LookupSoftware finds a software event by name or alias.
func LookupSoftware(name string) (PerfEvent, bool) { return lookup(SoftwareEvents, name) }

// LookupHardware finds a hardware event by name or alias.
func LookupHardware(name string) (PerfEvent, bool) { return lookup(HardwareEvents, name) }

func lookup(table []PerfEvent, name string) (PerfEvent, bool) {
	for _, e := range table {
		if e.Name == name || e.Alias != "" && e.Alias == name {
			return e, true
		}
	}
	return PerfEvent{}, false
}

// ListSoftware prints `software:NAME:` for each software event name or
// alias matching pattern, sorted, as bpftrace lists them.
func ListSoftware(w io.Writer, pattern string) error {
	return listPerf(w, "software", SoftwareEvents, pattern)
}

// ListHardware prints `hardware:NAME:` lines like ListSoftware.
func ListHardware(w io.Writer, pattern string) error {
	return listPerf(w, "hardware", HardwareEvents, pattern)
}

func listPerf(w io.Writer, provider string, table []PerfEvent, pattern string) error {
	if pattern == "" {
		pattern = "*"
	}
	var names []string
	for _, e := range table {
		for _, n := range []string{e.Name, e.Alias} {
			if n != "" && Match(pattern, n) {
				names = append(names, n)
			}
		}
	}
	slices.Sort(names)
	bw := bufio.NewWriter(w)
	for _, n := range names {
		fmt.Fprintf(bw, "%s:%s:\n", provider, n)
	}
	return bw.Flush()
}
