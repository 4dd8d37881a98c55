// Package mapsource feeds the metrics exporter from a running script: it
// reads the maps through a Reader (runtime.Loaded), merged over the CPUs,
// and turns the plan's layouts and the output's decoded keys into
// metrics.Map. It is the one place that knows both sides, so a new map
// reader only changes it.
package mapsource

import (
	"math"
	"strconv"
	"strings"

	"sonde/agg"
	"sonde/metrics"
	"sonde/plan"
	"sonde/runtime/mapdata"
	"sonde/runtime/output"
	"sonde/types"
)

// Exported reports whether a map has a metric: aggregations and maps of
// integers (or bools, or enums) do; maps of strings, stacks and records
// have no number to export.
func Exported(info *plan.MapInfo) bool {
	if info.Agg != "" {
		_, ok := aggs[info.Agg]
		return ok
	}
	t := info.Value
	return t != nil && (t.IsInt() || t.Kind == types.Bool || t.Kind == types.Enum)
}

// Shape is the exported maps without entries, for metrics.NewHandler.
func Shape(maps []*plan.MapInfo) []metrics.Map {
	var out []metrics.Map
	for _, info := range maps {
		if Exported(info) {
			out = append(out, describe(info))
		}
	}
	return out
}

// aggs are the catalogue's aggregations (agg) as metrics reads them.
var aggs = map[string]metrics.Agg{
	"": metrics.Value, "count": metrics.Count, "sum": metrics.Sum,
	"min": metrics.Min, "max": metrics.Max, "avg": metrics.Avg,
	"stats": metrics.Stats, "hist": metrics.Hist, "lhist": metrics.Lhist,
}

func arg(info *plan.MapInfo, i int) int64 { return agg.Params{Args: info.AggArgs}.Arg(i) }

// describe is a map's metric without entries.
func describe(info *plan.MapInfo) metrics.Map {
	m := metrics.Map{Name: info.Name, Agg: aggs[info.Agg], Shrinks: info.Shrinks}
	if parts := keyParts(info); len(parts) > 0 {
		m.KeyNames = make([]string, len(parts))
		copy(m.KeyNames, info.KeyNames)
		m.Distinct = true // integers print distinctly, unlike symbols or paths
		for i, t := range parts {
			if isCgroup(info, parts, i) {
				m.KeyNames[i] = "cgroup_path"
			}
			if t.Kind != types.Int || isCgroup(info, parts, i) {
				m.Distinct = false
			}
		}
	}
	switch info.Agg {
	case "hist":
		m.Bounds, m.Zero = HistBounds(int(arg(info, 0))), 1
	case "lhist":
		m.Bounds = LhistBounds(arg(info, 0), arg(info, 1), arg(info, 2))
	}
	return m
}

// isCgroup reports whether key part i holds a cgroup id: the cgroup
// builtin (a u64 the compiler names "cgroup") or a value of cgroup type.
func isCgroup(info *plan.MapInfo, parts []*types.Type, i int) bool {
	t := parts[i]
	if t.Kind == types.Cgroup {
		return true
	}
	return i < len(info.KeyNames) && info.KeyNames[i] == "cgroup" && t.Kind == types.Int && t.Size == 8 && !t.Signed
}

// keyParts are the types of a map's key parts: a tuple's fields, or the
// key itself.
func keyParts(info *plan.MapInfo) []*types.Type {
	switch {
	case info.Key == nil || info.Array:
		return nil
	case info.Key.Kind == types.Tuple:
		parts := make([]*types.Type, len(info.Key.Fields))
		for i, f := range info.Key.Fields {
			parts[i] = f.Type
		}
		return parts
	}
	return []*types.Type{info.Key}
}

// HistBounds are the le of each hist(_, k) bucket but the last (which
// reaches MaxInt64: +Inf): the largest integer each holds, so bounds are
// exact for integer values. Index 0 holds the negative values (le -1),
// index i <= 2^k the single value i-1, and later ones split powers of two
// into 2^k parts (see agg.HistBucket).
func HistBounds(k int) []float64 {
	n := agg.HistNumBuckets(k)
	sub := 1 << uint(k)
	bounds := make([]float64, n-1)
	bounds[0] = -1
	for i := 1; i < n-1; i++ {
		if i <= sub {
			bounds[i] = float64(i - 1)
			continue
		}
		b := (i - 1) >> uint(k)
		s := (i - 1) & (sub - 1)
		bounds[i] = float64(uint64(sub+s+1)<<uint(b-1) - 1)
	}
	return bounds
}

// LhistBounds are the le of each lhist bucket but the last (the overflow,
// from the last step to +Inf): below min, then one per step.
func LhistBounds(lo, hi, step int64) []float64 {
	n := agg.LhistNumBuckets(lo, hi, step)
	bounds := make([]float64, n-1)
	for i := range bounds {
		bounds[i] = float64(lo + int64(i)*step - 1)
	}
	return bounds
}

// Reader is what a running script offers: runtime.Loaded's reads, safe
// while it runs.
type Reader interface {
	// Maps reads every user map now, merged, in plan order.
	Maps() ([]*mapdata.Map, error)
	// Counters are lost events and failed updates per map (by Index).
	Counters() (lost uint64, updateFailures []uint64, err error)
}

// Source reads a running script's maps at each call.
type Source struct {
	r       Reader
	env     *output.Env
	plan    *plan.Plan
	probes  int
	shape   map[string]metrics.Map
	cgroups *Cgroups
}

// New returns the source of a running script's metrics: its reader, the
// environment its values print with, its plan and how many probes it
// attached.
func New(r Reader, env *output.Env, p *plan.Plan, probes int) *Source {
	s := &Source{r: r, env: env, plan: p, probes: probes, shape: map[string]metrics.Map{}, cgroups: NewCgroups(CgroupRoot())}
	for _, info := range p.Maps {
		if Exported(info) {
			s.shape[info.Name] = describe(info)
		}
	}
	return s
}

// Shape is the exported maps without entries.
func (s *Source) Shape() []metrics.Map { return Shape(s.plan.Maps) }

// Snapshot reads every map once; it is a metrics.Source.
func (s *Source) Snapshot() (*metrics.Snapshot, error) {
	snap := &metrics.Snapshot{ProbesAttached: s.probes}
	s.cgroups.Refresh()
	all, err := s.r.Maps()
	if err != nil {
		return nil, err
	}
	for _, data := range all {
		m, ok := s.shape[data.Info.Name]
		if !ok {
			continue
		}
		m.Entries = s.entries(data.Info, data)
		snap.Maps = append(snap.Maps, m)
	}
	lost, failed, err := s.r.Counters()
	if err != nil {
		return nil, err
	}
	snap.LostEvents = lost
	snap.UpdateFailures = map[string]uint64{}
	for _, info := range s.plan.Maps {
		if info.Index < len(failed) {
			snap.UpdateFailures[info.Name] = failed[info.Index]
		}
	}
	return snap, nil
}

func (s *Source) entries(info *plan.MapInfo, data *mapdata.Map) []metrics.Entry {
	out := make([]metrics.Entry, data.Len())
	parts := keyParts(info)
	keys := make([]string, len(out)*len(parts)) // one allocation for every key's parts
	var buf []byte
	for i := range out {
		var e mapdata.Entry
		data.Entry(i, &e)
		me := &out[i]
		if len(parts) > 0 {
			me.Key = keys[i*len(parts) : (i+1)*len(parts) : (i+1)*len(parts)]
			buf = s.keyText(data, &e, parts, me.Key, buf)
		}
		num := func(n uint64) float64 {
			if info.Signed {
				return float64(int64(n))
			}
			return float64(n)
		}
		switch info.Agg {
		case "count":
			me.Value = float64(e.Num)
		case "sum", "min", "max":
			me.Value = num(e.Num)
		case "avg", "stats":
			me.Count, me.Sum = e.Count, num(e.Total)
		case "hist", "lhist":
			me.Hist = e.Buckets
			for _, n := range e.Buckets {
				me.Count += n
			}
			me.Sum = math.NaN() // unknown unless the buckets keep sums
			if info.HistSums {
				me.Sum = num(e.Total)
			}
		default:
			me.Value = plainValue(output.Decode(info.Value, e.Value))
		}
	}
	return out
}

func plainValue(v output.Value) float64 {
	switch v := v.(type) {
	case output.Int:
		if v.Signed {
			return float64(int64(v.Bits))
		}
		return float64(v.Bits)
	case output.Bool:
		if v {
			return 1
		}
	case output.Enum:
		return float64(v.Num)
	}
	return 0
}

// keyText renders each key part as text prints it, except stacks (folded:
// root first, frames joined by ;) and cgroup ids (their path).
func (s *Source) keyText(data *mapdata.Map, e *mapdata.Entry, parts []*types.Type, out []string, buf []byte) []byte {
	info := data.Info
	if t := info.Key; len(parts) == 1 && t.Kind == types.Int && !isCgroup(info, parts, 0) {
		// The common case, without decoding.
		v := output.Decode(t, e.Key).(output.Int)
		if v.Signed {
			out[0] = strconv.FormatInt(int64(v.Bits), 10)
		} else {
			out[0] = strconv.FormatUint(v.Bits, 10)
		}
		return buf
	}
	vals := []output.Value{output.Decode(info.Key, e.Key)}
	if t, ok := vals[0].(output.Tuple); ok {
		vals = t
	}
	for i, v := range vals {
		switch {
		case isCgroup(info, parts, i):
			out[i] = s.cgroups.Path(v.(output.Int).Bits)
		case parts[i].Kind == types.KStack || parts[i].Kind == types.UStack:
			buf = output.AppendText(buf[:0], v, s.env)
			out[i] = folded(string(buf))
		default:
			buf = output.AppendText(buf[:0], v, s.env)
			out[i] = string(buf)
		}
	}
	return buf
}

// folded turns a stack as text prints it (one frame a line, innermost
// first) into the folded form flame graphs use: outermost first, joined
// by ;.
func folded(text string) string {
	var frames []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			frames = append(frames, l)
		}
	}
	for i, j := 0, len(frames)-1; i < j; i, j = i+1, j-1 {
		frames[i], frames[j] = frames[j], frames[i]
	}
	return strings.Join(frames, ";")
}
