// Package phase records how long each step of a run took (parse, check,
// BTF, codegen, load, attach, detach), for -v: a user who waits should see
// where the time goes. A nil *Timings records nothing, so callers time
// unconditionally.
package phase

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"
)

// Timings is the ordered list of phases of one run.
type Timings struct {
	mu     sync.Mutex
	phases []entry
	progs  []Verified
}

type entry struct {
	name, parent string // parent: the phase this one is part of, or ""
	d            time.Duration
}

// Verified is the verifier's instruction count of one program.
type Verified struct {
	Probe string
	Insns uint32
}

// Since adds the time from t0 to now to phase name.
func (t *Timings) Since(name string, t0 time.Time) { t.Add(name, time.Since(t0)) }

// Add adds d to phase name; a phase added twice is summed, keeping its
// first position.
func (t *Timings) Add(name string, d time.Duration) { t.AddPart(name, "", d) }

// AddPart adds d to phase name, which is part of phase parent (BTF reads
// are part of check): it prints in parentheses after its parent.
func (t *Timings) AddPart(name, parent string, d time.Duration) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for i := range t.phases {
		if t.phases[i].name == name {
			t.phases[i].d += d
			return
		}
	}
	t.phases = append(t.phases, entry{name, parent, d})
}

// Get returns the time recorded for phase name.
func (t *Timings) Get(name string) time.Duration {
	if t == nil {
		return 0
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, e := range t.phases {
		if e.name == name {
			return e.d
		}
	}
	return 0
}

// Verify records the verifier's instruction count for a probe's program.
func (t *Timings) Verify(probe string, insns uint32) {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.progs = append(t.progs, Verified{probe, insns})
	t.mu.Unlock()
}

func (t *Timings) has(name string) bool {
	for _, e := range t.phases {
		if e.name == name {
			return true
		}
	}
	return false
}

// largest is how many programs the report names by their verifier counts.
const largest = 5

// Write prints the phases on one line and the programs the verifier spent
// most instructions on:
//
//	sonde: phases: parse 0.2ms, check 1.9ms (BTF 1.1ms), codegen 3.0ms, ...
//	sonde: verifier: 3 programs, 1234 instructions; largest: kprobe:f 1100, ...
func (t *Timings) Write(w io.Writer) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	parts := make([]string, 0, len(t.phases))
	for _, e := range t.phases {
		if e.parent != "" && t.has(e.parent) {
			continue
		}
		s := e.name + " " + Format(e.d)
		var sub []string
		for _, c := range t.phases {
			if c.parent == e.name {
				sub = append(sub, c.name+" "+Format(c.d))
			}
		}
		if len(sub) > 0 {
			s += " (" + strings.Join(sub, ", ") + ")"
		}
		parts = append(parts, s)
	}
	fmt.Fprintf(w, "sonde: phases: %s\n", strings.Join(parts, ", "))
	if len(t.progs) == 0 {
		return
	}
	progs := append([]Verified(nil), t.progs...)
	sort.Slice(progs, func(i, j int) bool {
		if progs[i].Insns != progs[j].Insns {
			return progs[i].Insns > progs[j].Insns
		}
		return progs[i].Probe < progs[j].Probe
	})
	var total uint64
	for _, p := range progs {
		total += uint64(p.Insns)
	}
	top := make([]string, 0, largest)
	for _, p := range progs[:min(largest, len(progs))] {
		top = append(top, fmt.Sprintf("%s %d", p.Probe, p.Insns))
	}
	label := "largest"
	if len(progs) <= largest {
		label = "per probe"
	}
	fmt.Fprintf(w, "sonde: verifier: %d programs, %d instructions processed; %s: %s\n",
		len(progs), total, label, strings.Join(top, ", "))
}

// Format prints d in milliseconds with one decimal (microseconds below
// 0.1 ms), the resolution that matters to someone waiting.
func Format(d time.Duration) string {
	if d < 100*time.Microsecond {
		return fmt.Sprintf("%dµs", d.Microseconds())
	}
	return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
}
