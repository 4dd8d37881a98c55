package compiler

import (
	"sonde/plan"

	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/cilium/ebpf"

	"sonde/lang"
	"sonde/lang/ast"
	"sonde/provider"
)

// hintOf is the hint an error carries: from the kernel packages
// (interface{ Hinted() string }) or from the compiler's own withHint.
func hintOf(err error) string {
	var h interface{ Hinted() string }
	var nf interface{ Hint() string } // kernel/btf's and dwarftypes' NotFoundError
	var wh *withHint
	switch {
	case errors.As(err, &h):
		return h.Hinted()
	case errors.As(err, &wh):
		return wh.hint
	case errors.As(err, &nf):
		return nf.Hint()
	}
	return ""
}

// expand turns each probe's attach points into instances.
func (c *compiler) expand(prog *ast.Program) {
	filtered := false
	for _, pr := range prog.Probes {
		c.curProbe = pr
		for _, ap := range pr.Attach {
			probes, sites, err := c.expandAttach(ap)
			if err != nil && c.skipMissing(ap, err) {
				continue
			}
			if err != nil {
				c.errorAt(ap.Span(), hintOf(err), "%v", err)
				continue
			}
			for i, p := range probes {
				if f := c.opts.ProbeFilter; f != nil && !provider.Get(p.Provider).Special() && !f.MatchString(p.Name) {
					filtered = true
					continue
				}
				inst := &instance{probe: pr, p: p, d: provider.Get(p.Provider)}
				if sites != nil {
					inst.usdt = sites[i]
				}
				if inst.d.Args == provider.ArgsTracepoint {
					fields, err := c.opts.Facts.TracepointFields(p.Group, p.Event)
					if err != nil && c.skipMissing(ap, err) {
						continue
					}
					if err != nil {
						c.errorAt(ap.Span(), hintOf(err), "%v", err)
						continue
					}
					inst.fields = fields
				}
				if inst.d.Scope == provider.ScopeProcess {
					inst.p.Pid = c.opts.Pid
				}
				inst.p.ID = len(c.plan.Probes)
				c.plan.Probes = append(c.plan.Probes, inst.p)
				c.insts = append(c.insts, inst)
			}
		}
	}
	if filtered && len(c.errs) == 0 && !slices.ContainsFunc(c.insts, func(in *instance) bool { return !in.d.Special() }) {
		c.errorAt(prog.Span(), "", "no probe to attach: --probe-filter %s matches none of the script's probes", c.opts.ProbeFilter)
	}
	if len(c.insts) == 0 && len(c.errs) == 0 {
		c.errorAt(prog.Span(), "", "the script has no probes")
	}
}

// skipMissing drops an attach point that matches nothing when the
// script's missing_probes says to (warn, ignore): the other probes run.
func (c *compiler) skipMissing(ap *ast.AttachPoint, err error) bool {
	var m interface{ IsMissing() bool }
	if !errors.As(err, &m) || !m.IsMissing() {
		return false
	}
	switch c.cfg.MissingProbes {
	case "warn":
		name := ap.Provider
		if d, ok := provider.Lookup(ap.Provider); ok {
			name = d.Name
		}
		sp := ap.Span()
		c.spec.Warnings = append(c.spec.Warnings, plan.Warning{Pos: sp.Start, End: sp.End,
			Msg: fmt.Sprintf("No matches for %s %s. Skipping: %v", name, strings.Join(ap.Parts, ":"), err)})
		return true
	case "ignore":
		return true
	}
	return false
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
	if strings.Contains(ap.Provider, "$") {
		// The probe type holds a parameter (`BEG$1`, `$1`): substitute
		// them all, then split the attach point as written.
		text := ap.Raw
		if ap.Label != "" {
			text = text[len(ap.Label)+1:]
		}
		sub := *ap
		var err error
		if sub.Provider, sub.Parts, err = lang.SplitAttach(c.substParams(text)); err != nil {
			return nil, nil, err
		}
		sub.Raw = c.substParams(ap.Raw)
		if _, ok := provider.Lookup(sub.Provider); !ok {
			return nil, nil, fmt.Errorf("unknown probe type `%s` (from %s)", sub.Provider, ap.Raw)
		}
		ap = &sub
	}
	d, ok := provider.Lookup(ap.Provider)
	if !ok {
		return nil, nil, fmt.Errorf("unknown probe type %s", ap.Provider)
	}
	if !d.Runs() {
		return nil, nil, &withHint{err: fmt.Errorf("%s probes are not supported yet", d.Name), hint: d.NotYet}
	}
	parts := make([]string, len(ap.Parts))
	for i, p := range ap.Parts {
		parts[i] = c.substParams(p)
	}
	return expanders[d.Expand](c, d, ap, parts)
}

// An expander turns the parts of an attach point into probes, for every
// provider of one Expansion; usdt also returns each probe's site.
type expander func(c *compiler, d *provider.Provider, ap *ast.AttachPoint, parts []string) ([]plan.Probe, []*USDTTarget, error)

var expanders = map[provider.Expansion]expander{
	provider.ExpandNone:              noSites(expandNone),
	provider.ExpandTracefs:           noSites(expandTracepoint),
	provider.ExpandKallsyms:          noSites((*compiler).expandKernel),
	provider.ExpandBTFFuncs:          noSites((*compiler).expandKernel),
	provider.ExpandBTFRawTracepoints: noSites((*compiler).expandKernel),
	provider.ExpandBTFIters:          noSites((*compiler).expandIter),
	provider.ExpandELF:               noSites(expandUprobe),
	provider.ExpandUSDT:              (*compiler).expandUSDT,
	provider.ExpandRate:              noSites(expandRate),
	provider.ExpandPerfEvent:         noSites(expandPerfEvent),
	provider.ExpandSignal:            noSites(expandSignal),
}

func noSites(f func(c *compiler, d *provider.Provider, ap *ast.AttachPoint, parts []string) ([]plan.Probe, error)) expander {
	return func(c *compiler, d *provider.Provider, ap *ast.AttachPoint, parts []string) ([]plan.Probe, []*USDTTarget, error) {
		probes, err := f(c, d, ap, parts)
		return probes, nil, err
	}
}

// wantParts checks the number of parts of an attach point.
func wantParts(d *provider.Provider, parts []string, lo, hi int) error {
	if len(parts) < lo || len(parts) > hi {
		return fmt.Errorf("%s probes are written %s", d.Name, d.Form)
	}
	return nil
}

// expandNone: begin and end, run by sonde.
func expandNone(c *compiler, d *provider.Provider, ap *ast.AttachPoint, parts []string) ([]plan.Probe, error) {
	if err := wantParts(d, parts, 0, 0); err != nil {
		return nil, err
	}
	return []plan.Probe{{Provider: d.Name, Name: d.Name}}, nil
}

// expandTracepoint expands GROUP:EVENT wildcards against tracefs.
func expandTracepoint(c *compiler, d *provider.Provider, ap *ast.AttachPoint, parts []string) ([]plan.Probe, error) {
	if err := wantParts(d, parts, 2, 2); err != nil {
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
			return nil, fmt.Errorf("no %s matches %s", d.Name, pattern)
		}
	}
	var out []plan.Probe
	for _, n := range names {
		g, e, _ := strings.Cut(n, ":")
		out = append(out, plan.Probe{Provider: d.Name, Name: d.Name + ":" + n, Group: g, Event: e})
	}
	return out, nil
}

// expandUprobe resolves BINARY:FUNCTION against the binary's ELF symbols.
func expandUprobe(c *compiler, d *provider.Provider, ap *ast.AttachPoint, parts []string) ([]plan.Probe, error) {
	if err := wantParts(d, parts, 2, 3); err != nil {
		return nil, err
	}
	if c.opts.UserSymbols == nil {
		return nil, fmt.Errorf("uprobes are not available")
	}
	bin, fn := c.userBinary(parts[0]), parts[len(parts)-1]
	targets, err := c.opts.UserSymbols.Uprobes(bin, fn, c.opts.Pid)
	if err != nil {
		return nil, err
	}
	var out []plan.Probe
	for _, t := range targets {
		name := d.Name + ":" + shownBinary(bin, t.Binary) + ":" + t.Symbol
		if !strings.ContainsAny(fn, "*?") {
			name = d.Name + ":" + shownBinary(bin, t.Binary) + ":" + fn
		}
		out = append(out, plan.Probe{Provider: d.Name, Name: name, Binary: t.Binary, Symbol: t.Symbol,
			Offset: t.FileOffset, Pid: c.opts.Pid, Event: t.Symbol, Addr: t.Addr})
	}
	return out, nil
}

// userBinary is the binary a user-space probe names: with -p, none (as in
// usdt::provider:probe) is every file the process maps.
func (c *compiler) userBinary(bin string) string {
	if bin == "" && c.opts.Pid > 0 {
		return "*"
	}
	return bin
}

// shownBinary is the binary as a probe's name shows it, as written: a
// path stays relative (a name found in PATH or the library cache, or a
// wildcard, shows the file it resolved to), and BINARY@FILE:LINE, a probe
// on a source line, keeps its FILE.
func shownBinary(written, resolved string) string {
	if strings.Contains(written, "/") && !hasWildcard(written) {
		return written
	}
	if i := strings.LastIndex(written, "@"); i > 0 {
		return resolved + written[i:]
	}
	return resolved
}

// expandRate reads profile and interval rates: the provider's own perf
// event at a frequency or period.
func expandRate(c *compiler, d *provider.Provider, ap *ast.AttachPoint, parts []string) ([]plan.Probe, error) {
	p := plan.Probe{Provider: d.Name, PerfType: d.Perf.Type, PerfConfig: d.Perf.Config, AllCPUs: d.AllCPUs}
	var unit, count string
	switch len(parts) {
	case 1:
		unit, count = "", parts[0]
	case 2:
		unit, count = parts[0], parts[1]
	default:
		return nil, fmt.Errorf("%s probes are written %s", d.Name, d.Form)
	}
	ns, freq, err := parseRate(unit, count)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", ap.Raw, err)
	}
	p.Period, p.Freq = ns, freq
	p.Name = d.Name + ":" + strings.Join(parts, ":")
	return []plan.Probe{p}, nil
}

// expandPerfEvent reads software and hardware events: a name from the
// provider's table and an optional count.
func expandPerfEvent(c *compiler, d *provider.Provider, ap *ast.AttachPoint, parts []string) ([]plan.Probe, error) {
	if err := wantParts(d, parts, 1, 2); err != nil {
		return nil, err
	}
	ev, ok := d.PerfEvents[parts[0]]
	if !ok {
		err := fmt.Errorf("unknown %s event %s", d.Name, parts[0])
		if s := didYouMean(parts[0], slices.Sorted(maps.Keys(d.PerfEvents))); s != "" {
			return nil, &withHint{err: err, hint: fmt.Sprintf("did you mean %s:%s?", d.Name, s)}
		}
		return nil, err
	}
	p := plan.Probe{Provider: d.Name, PerfType: ev.Type, PerfConfig: ev.Config, Period: ev.Period, AllCPUs: d.AllCPUs}
	if len(parts) == 2 {
		n, err := lang.ParseInt(parts[1])
		if err != nil || n == 0 {
			return nil, fmt.Errorf("bad count %q in %s", parts[1], ap.Raw)
		}
		p.Period = n
	}
	p.Name = d.Name + ":" + strings.Join(parts, ":")
	return []plan.Probe{p}, nil
}

// expandSignal: self:signal:SIGUSR1, run by sonde itself when it receives
// the signal.
func expandSignal(c *compiler, d *provider.Provider, ap *ast.AttachPoint, parts []string) ([]plan.Probe, error) {
	if len(parts) != 2 || parts[0] != "signal" || parts[1] != "SIGUSR1" {
		return nil, fmt.Errorf("%s probes are written %s (the only signal supported, as in bpftrace)", d.Name, d.Form)
	}
	return []plan.Probe{{Provider: d.Name, Name: d.Form, Event: parts[1]}}, nil
}

// parseRate reads interval/profile rates: hz:N, s:N, ms:N, us:N, N (ns), or
// a duration literal already folded to nanoseconds by the parser.
func parseRate(unit, count string) (period, freq uint64, err error) {
	n, err := lang.ParseInt(count)
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

// programType returns how a probe's program is loaded, as its provider
// says: a shared kprobe wildcard loads for its kprobe_multi link, and
// programs loaded against their target name it (AttachTo).
func programType(p plan.Probe) (ebpf.ProgramType, ebpf.AttachType, string) {
	d := provider.Get(p.Provider)
	at := d.AttachType
	if p.Multi {
		at = provider.AttachKprobeMulti
	}
	to := ""
	if d.AttachTo {
		to = p.Event
	}
	return ebpf.ProgramType(d.Prog), ebpf.AttachType(at), to
}
