package provider

import (
	"strings"
	"testing"
)

// Every descriptor is complete: what its kinds require is set, and
// nothing contradicts itself.
func TestCatalogueComplete(t *testing.T) {
	seen := map[string]string{}
	for _, p := range All() {
		t.Run(p.Name, func(t *testing.T) {
			if p.Name == "" || p.Name != strings.ToLower(p.Name) {
				t.Fatalf("canonical name %q must be lower case", p.Name)
			}
			if Get(p.Name) != p {
				t.Errorf("Get(%q) does not return it", p.Name)
			}
			if p.Doc == "" || !strings.HasPrefix(p.Form, p.Name) {
				t.Errorf("needs a Doc and a Form starting with its name (Form %q)", p.Form)
			}
			for _, n := range append(append([]string{p.Name}, p.Aliases...), p.Exact...) {
				if other, dup := seen[n]; dup {
					t.Errorf("%q names %s too", n, other)
				}
				seen[n] = p.Name
				if got, ok := Lookup(n); !ok || got != p {
					t.Errorf("Lookup(%q) = %v, %v", n, got, ok)
				}
			}
			if !p.Runs() {
				if p.Mech != 0 || p.Expand != 0 || p.Prog != 0 || p.Example != "" {
					t.Errorf("a provider sonde does not run has no mechanism, expansion, program or example")
				}
				return
			}
			checkRunnable(t, p)
		})
	}
}

func checkRunnable(t *testing.T, p *Provider) {
	if p.Example == "" || !strings.Contains(p.Example, p.Name+":") && !strings.Contains(strings.ToLower(p.Example), p.Name) {
		t.Errorf("example %q does not use it", p.Example)
	}
	if p.Prog == 0 {
		t.Errorf("no program type")
	}
	if p.Special() != (p.Mech == MechTestRun) {
		t.Errorf("run by sonde (%v) exactly when not attached (mechanism %v)", p.Special(), p.Mech)
	}
	if p.Special() && p.Prog != ProgRawTracepoint {
		t.Errorf("sonde test-runs raw tracepoint programs")
	}
	if p.AttachTo != (p.Prog == ProgTracing) || p.AttachTo != (p.AttachType != AttachNone) {
		t.Errorf("loaded against a target (AttachTo) exactly for tracing programs with an attach type")
	}
	switch p.Expand {
	case ExpandRate:
		if p.Perf == nil || p.PerfEvents != nil {
			t.Errorf("a rate counts the provider's one perf event")
		}
	case ExpandPerfEvent:
		if p.Perf == nil || len(p.PerfEvents) == 0 {
			t.Errorf("needs its events and the event its feature check opens")
		}
		for name, e := range p.PerfEvents {
			if e.Type != p.Perf.Type || e.Period == 0 {
				t.Errorf("event %s: type %d (want %d), period %d", name, e.Type, p.Perf.Type, e.Period)
			}
		}
	}
	if (p.Mech == MechPerf) != (p.Prog == ProgPerfEvent) || (p.Mech == MechPerf) != (p.Perf != nil) {
		t.Errorf("perf programs, the perf mechanism and a perf event go together")
	}
	if (p.Args == ArgsBTF) != p.Expand.KernelFunc() {
		t.Errorf("arguments typed from BTF exactly for kernel functions")
	}
	if (p.Args == ArgsTracepoint) != (p.Context == CtxTracepoint) || (p.Context == CtxIter) != p.OnePass {
		t.Errorf("args, context and one pass disagree")
	}
	if p.Args == ArgsRegs || p.Args == ArgsUSDT || p.Func == FuncSymbol {
		if p.Context != CtxRegs || !p.UserSpace {
			t.Errorf("user registers need a pt_regs context in user space")
		}
	}
	if p.Return && p.Context != CtxRegs && p.Context != CtxArgs {
		t.Errorf("retval is read from the registers or after the arguments")
	}
	if p.UserSpace != (p.Mech == MechUprobe) {
		t.Errorf("user space exactly for uprobes")
	}
	if (p.Scope == ScopeNone) != (p.Run == RunAtStart || p.Run == RunAtEnd) {
		t.Errorf("only begin and end are about no process")
	}
	if p.SharedWildcard && p.Mech != MechKprobe {
		t.Errorf("wildcards share a program through kprobe_multi")
	}
	if p.Alt != "" {
		alt := Get(p.Alt)
		if alt == nil || alt.Alt != p.Name || alt.Return != p.Return || alt.Expand.KernelFunc() != p.Expand.KernelFunc() {
			t.Errorf("Alt %q must be a kernel-function provider whose Alt is %s, firing at the same point", p.Alt, p.Name)
		}
	}
}

// The names the parser accepts: bpftrace's providers and their short
// names, plus sonde's tp.
func TestLookup(t *testing.T) {
	for name, want := range map[string]string{
		"BEGIN": "begin", "End": "end", "t": "tracepoint", "tp": "tracepoint", "TP": "tracepoint",
		"rt": "rawtracepoint", "k": "kprobe", "kr": "kretprobe", "u": "uprobe", "U": "usdt",
		"usdt": "usdt", "ur": "uretprobe", "p": "profile", "i": "interval", "s": "software",
		"h": "hardware", "w": "watchpoint", "f": "fentry", "kfunc": "fentry", "fr": "fexit",
		"kretfunc": "fexit", "it": "iter", "self": "self", "test": "test", "bench": "bench",
	} {
		if p, ok := Lookup(name); !ok || p.Name != want {
			t.Errorf("Lookup(%q) = %v, %v; want %s", name, p, ok, want)
		}
	}
	for _, name := range []string{"", "kprobez", "x", "Us"} {
		if p, ok := Lookup(name); ok {
			t.Errorf("Lookup(%q) = %s", name, p.Name)
		}
	}
	if Get("t") != nil || Get("BEGIN") != nil {
		t.Error("Get takes canonical names only")
	}
}

func TestDescribe(t *testing.T) {
	if got := Describe(func(p *Provider) bool { return p.Return }); got != "kretprobe, fexit and uretprobe" {
		t.Errorf("Describe(Return) = %q", got)
	}
	if got := Describe(func(p *Provider) bool { return p.OnePass }); got != "iter" {
		t.Errorf("Describe(OnePass) = %q", got)
	}
	if got := Describe(func(p *Provider) bool { return false }); got != "" {
		t.Errorf("Describe(none) = %q", got)
	}
}

func TestPerfEventTables(t *testing.T) {
	for _, c := range []struct {
		name   string
		events int // names and aliases
	}{{"software", 14}, {"hardware", 12}} {
		if n := len(Get(c.name).PerfEvents); n != c.events {
			t.Errorf("%s: %d event names, want %d", c.name, n, c.events)
		}
	}
	if e := Get("software").PerfEvents["faults"]; e != Get("software").PerfEvents["page-faults"] || e.Period != 100 {
		t.Errorf("software:faults = %+v", e)
	}
}
