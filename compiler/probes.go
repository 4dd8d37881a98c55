package compiler

import (
	"sonde/plan"

	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/cilium/ebpf"

	"sonde/lang/ast"
)

var providerAliases = map[string]string{
	"begin": plan.ProviderBegin, "end": plan.ProviderEnd,
	"tracepoint": plan.ProviderTracepoint, "t": plan.ProviderTracepoint, "tp": plan.ProviderTracepoint,
	"rawtracepoint": plan.ProviderRawTracepoint, "rt": plan.ProviderRawTracepoint,
	"kprobe": plan.ProviderKprobe, "k": plan.ProviderKprobe,
	"kretprobe": plan.ProviderKretprobe, "kr": plan.ProviderKretprobe,
	"uprobe": plan.ProviderUprobe, "u": plan.ProviderUprobe,
	"uretprobe": plan.ProviderUretprobe, "ur": plan.ProviderUretprobe,
	"usdt":    plan.ProviderUSDT,
	"profile": plan.ProviderProfile, "p": plan.ProviderProfile,
	"interval": plan.ProviderInterval, "i": plan.ProviderInterval,
	"software": plan.ProviderSoftware, "s": plan.ProviderSoftware,
	"hardware": plan.ProviderHardware, "h": plan.ProviderHardware,
	"fentry": plan.ProviderFentry, "f": plan.ProviderFentry, "kfunc": plan.ProviderFentry,
	"fexit": plan.ProviderFexit, "fr": plan.ProviderFexit, "kretfunc": plan.ProviderFexit,
	"iter": plan.ProviderIter, "it": plan.ProviderIter,
	"self": plan.ProviderSelf,
}

// CanonicalProvider maps a provider name or alias to its canonical name.
func CanonicalProvider(name string) (string, bool) {
	if name == "U" {
		return plan.ProviderUSDT, true
	}
	p, ok := providerAliases[strings.ToLower(name)]
	return p, ok
}

// ProviderNames maps every provider name and alias, lower-cased, to its
// canonical name; `U` is usdt too.
func ProviderNames() map[string]string { return maps.Clone(providerAliases) }

// hintOf is the hint an error carries: from the kernel packages
// (interface{ Hinted() string }) or from the compiler's own withHint.
func hintOf(err error) string {
	var h interface{ Hinted() string }
	var wh *withHint
	switch {
	case errors.As(err, &h):
		return h.Hinted()
	case errors.As(err, &wh):
		return wh.hint
	}
	return ""
}

// expand turns each probe's attach points into instances.
func (c *compiler) expand(prog *ast.Program) {
	for _, pr := range prog.Probes {
		c.curProbe = pr
		for _, ap := range pr.Attach {
			probes, sites, err := c.expandAttach(ap)
			if err != nil {
				c.errorAt(ap.Span(), hintOf(err), "%v", err)
				continue
			}
			for i, p := range probes {
				inst := &instance{probe: pr, p: p}
				if sites != nil {
					inst.usdt = sites[i]
				}
				if p.Provider == plan.ProviderTracepoint {
					fields, err := c.opts.Facts.TracepointFields(p.Group, p.Event)
					if err != nil {
						c.errorAt(ap.Span(), hintOf(err), "%v", err)
						continue
					}
					inst.fields = fields
				}
				if !needsPidFilter(p.Provider) && p.Provider != plan.ProviderBegin && p.Provider != plan.ProviderEnd {
					inst.p.Pid = c.opts.Pid
				}
				inst.p.ID = len(c.plan.Probes)
				c.plan.Probes = append(c.plan.Probes, inst.p)
				c.insts = append(c.insts, inst)
			}
		}
	}
	if len(c.insts) == 0 && len(c.errs) == 0 {
		c.errorAt(prog.Span(), "", "the script has no probes")
	}
}

func (c *compiler) substParams(s string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '$' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
			j := i + 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			n, _ := strconv.Atoi(s[i+1 : j])
			b.WriteString(c.opts.Positional(n))
			i = j - 1
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// expandAttach expands one attach point. For usdt probes it also returns
// each probe's site (argument specs), index for index.
func (c *compiler) expandAttach(ap *ast.AttachPoint) ([]plan.Probe, []*USDTTarget, error) {
	prov, ok := CanonicalProvider(ap.Provider)
	if !ok {
		return nil, nil, fmt.Errorf("unknown probe type %s", ap.Provider)
	}
	parts := make([]string, len(ap.Parts))
	for i, p := range ap.Parts {
		parts[i] = c.substParams(p)
	}
	if prov == plan.ProviderUSDT {
		return c.expandUSDT(parts)
	}
	probes, err := c.expandProvider(prov, ap, parts)
	return probes, nil, err
}

func (c *compiler) expandProvider(prov string, ap *ast.AttachPoint, parts []string) ([]plan.Probe, error) {
	want := func(lo, hi int, form string) error {
		if len(parts) < lo || len(parts) > hi {
			return fmt.Errorf("%s probes are written %s", prov, form)
		}
		return nil
	}
	switch prov {
	case plan.ProviderBegin, plan.ProviderEnd:
		if err := want(0, 0, prov); err != nil {
			return nil, err
		}
		return []plan.Probe{{Provider: prov, Name: prov}}, nil
	case plan.ProviderTracepoint:
		if err := want(2, 2, "tracepoint:GROUP:EVENT"); err != nil {
			return nil, err
		}
		pattern := parts[0] + ":" + parts[1]
		names := []string{pattern}
		if strings.ContainsAny(pattern, "*?") {
			var err error
			names, err = c.opts.Facts.Tracepoints(pattern)
			if err != nil {
				return nil, err
			}
			if len(names) == 0 {
				return nil, fmt.Errorf("no tracepoint matches %s", pattern)
			}
		}
		var out []plan.Probe
		for _, n := range names {
			g, e, _ := strings.Cut(n, ":")
			out = append(out, plan.Probe{Provider: prov, Name: "tracepoint:" + n, Group: g, Event: e})
		}
		return out, nil
	case plan.ProviderRawTracepoint, plan.ProviderKprobe, plan.ProviderKretprobe, plan.ProviderFentry, plan.ProviderFexit:
		return c.expandKernel(ap, prov, parts)
	case plan.ProviderUprobe, plan.ProviderUretprobe:
		if err := want(2, 3, prov+":BINARY:FUNCTION"); err != nil {
			return nil, err
		}
		if c.opts.UserSymbols == nil {
			return nil, fmt.Errorf("uprobes are not available")
		}
		bin, fn := parts[0], parts[len(parts)-1]
		targets, err := c.opts.UserSymbols.Uprobes(bin, fn, c.opts.Pid)
		if err != nil {
			return nil, err
		}
		var out []plan.Probe
		for _, t := range targets {
			name := prov + ":" + t.Binary + ":" + t.Symbol
			if !strings.ContainsAny(fn, "*?") {
				name = prov + ":" + t.Binary + ":" + fn
			}
			out = append(out, plan.Probe{Provider: prov, Name: name, Binary: t.Binary, Symbol: t.Symbol,
				Offset: t.FileOffset, Pid: c.opts.Pid, Event: t.Symbol, Addr: t.Addr})
		}
		return out, nil
	case plan.ProviderProfile, plan.ProviderInterval:
		p := plan.Probe{Provider: prov, PerfType: perfTypeSoftware, PerfConfig: perfSwCPUClock, AllCPUs: prov == plan.ProviderProfile}
		var unit, count string
		switch len(parts) {
		case 1:
			unit, count = "", parts[0]
		case 2:
			unit, count = parts[0], parts[1]
		default:
			return nil, fmt.Errorf("%s probes are written %s:UNIT:N or %s:DURATION", prov, prov, prov)
		}
		ns, freq, err := parseRate(unit, count)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", ap.Raw, err)
		}
		p.Period, p.Freq = ns, freq
		p.Name = prov + ":" + strings.Join(parts, ":")
		return []plan.Probe{p}, nil
	case plan.ProviderSoftware, plan.ProviderHardware:
		if err := want(1, 2, prov+":EVENT[:COUNT]"); err != nil {
			return nil, err
		}
		ev, ok := perfEvents(prov)[parts[0]]
		if !ok {
			return nil, fmt.Errorf("unknown %s event %s", prov, parts[0])
		}
		p := plan.Probe{Provider: prov, PerfType: ev.typ, PerfConfig: ev.config, Period: ev.period, AllCPUs: true}
		if len(parts) == 2 {
			n, err := strconv.ParseUint(parts[1], 0, 64)
			if err != nil || n == 0 {
				return nil, fmt.Errorf("bad count %q in %s", parts[1], ap.Raw)
			}
			p.Period = n
		}
		p.Name = prov + ":" + strings.Join(parts, ":")
		return []plan.Probe{p}, nil
	case plan.ProviderIter:
		return c.expandIter(parts, ap)
	case plan.ProviderSelf:
		// Run by sonde itself when it receives the signal.
		if len(parts) != 2 || parts[0] != "signal" || parts[1] != "SIGUSR1" {
			return nil, fmt.Errorf("self probes are written self:signal:SIGUSR1 (the only signal supported, as in bpftrace)")
		}
		return []plan.Probe{{Provider: prov, Name: "self:signal:SIGUSR1", Event: "SIGUSR1"}}, nil
	}
	return nil, fmt.Errorf("%s probes are not supported yet", prov)
}

// parseRate reads interval/profile rates: hz:N, s:N, ms:N, us:N, N (ns), or
// a duration literal already folded to nanoseconds by the parser.
func parseRate(unit, count string) (period, freq uint64, err error) {
	n, err := strconv.ParseUint(strings.ReplaceAll(count, "_", ""), 0, 64)
	if err != nil {
		d, derr := parseDuration(count)
		if derr != nil || unit != "" {
			return 0, 0, fmt.Errorf("bad rate %q", count)
		}
		return d, 0, nil
	}
	if n == 0 {
		return 0, 0, fmt.Errorf("the rate must be positive")
	}
	switch unit {
	case "hz":
		return 0, n, nil
	case "s":
		return n * 1e9, 0, nil
	case "ms":
		return n * 1e6, 0, nil
	case "us":
		return n * 1e3, 0, nil
	case "", "ns":
		return n, 0, nil
	}
	return 0, 0, fmt.Errorf("unknown unit %q; use hz, s, ms or us", unit)
}

func parseDuration(s string) (uint64, error) {
	units := []struct {
		suffix string
		mul    uint64
	}{{"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}, {"d", 86400e9}}
	for _, u := range units {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			n, err := strconv.ParseUint(num, 10, 64)
			if err == nil {
				return n * u.mul, nil
			}
		}
	}
	return 0, fmt.Errorf("bad duration %q", s)
}

const (
	perfTypeHardware = 0
	perfTypeSoftware = 1
	perfSwCPUClock   = 0
)

type perfEvent struct {
	typ    uint32
	config uint64
	period uint64
}

func perfEvents(prov string) map[string]perfEvent {
	if prov == plan.ProviderSoftware {
		sw := func(cfg, period uint64) perfEvent { return perfEvent{perfTypeSoftware, cfg, period} }
		return map[string]perfEvent{
			"cpu-clock": sw(0, 1000000), "cpu": sw(0, 1000000),
			"task-clock":  sw(1, 1),
			"page-faults": sw(2, 100), "faults": sw(2, 100),
			"context-switches": sw(3, 1000), "cs": sw(3, 1000),
			"cpu-migrations":   sw(4, 1),
			"minor-faults":     sw(5, 100),
			"major-faults":     sw(6, 1),
			"alignment-faults": sw(7, 1),
			"emulation-faults": sw(8, 1),
			"dummy":            sw(9, 1),
			"bpf-output":       sw(10, 1),
		}
	}
	hw := func(cfg, period uint64) perfEvent { return perfEvent{perfTypeHardware, cfg, period} }
	return map[string]perfEvent{
		"cpu-cycles": hw(0, 1000000), "cycles": hw(0, 1000000),
		"instructions":        hw(1, 1000000),
		"cache-references":    hw(2, 1000000),
		"cache-misses":        hw(3, 1000000),
		"branch-instructions": hw(4, 100000), "branches": hw(4, 100000),
		"branch-misses":   hw(5, 100000),
		"bus-cycles":      hw(6, 100000),
		"frontend-stalls": hw(7, 1000000),
		"backend-stalls":  hw(8, 1000000),
		"ref-cycles":      hw(9, 1000000),
	}
}

// programType returns how a probe's program is loaded.
func programType(p plan.Probe) (ebpf.ProgramType, ebpf.AttachType, string) {
	switch p.Provider {
	case plan.ProviderBegin, plan.ProviderEnd, plan.ProviderSelf:
		return ebpf.RawTracepoint, ebpf.AttachNone, ""
	case plan.ProviderTracepoint:
		return ebpf.TracePoint, ebpf.AttachNone, ""
	case plan.ProviderRawTracepoint:
		return ebpf.Tracing, ebpf.AttachTraceRawTp, p.Event
	case plan.ProviderKprobe, plan.ProviderKretprobe:
		if p.Multi {
			return ebpf.Kprobe, ebpf.AttachTraceKprobeMulti, ""
		}
		return ebpf.Kprobe, ebpf.AttachNone, ""
	case plan.ProviderUprobe, plan.ProviderUretprobe, plan.ProviderUSDT:
		return ebpf.Kprobe, ebpf.AttachNone, ""
	case plan.ProviderFentry:
		return ebpf.Tracing, ebpf.AttachTraceFEntry, p.Event
	case plan.ProviderFexit:
		return ebpf.Tracing, ebpf.AttachTraceFExit, p.Event
	case plan.ProviderIter:
		return ebpf.Tracing, ebpf.AttachTraceIter, p.Event
	}
	return ebpf.PerfEvent, ebpf.AttachNone, ""
}
