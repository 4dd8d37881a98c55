package metrics

import (
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	dto "github.com/prometheus/client_model/go"
	"google.golang.org/protobuf/proto"
)

// Source reads the maps afresh; it is called once per scrape.
type Source func() (*Snapshot, error)

// gather turns one Snapshot into client_model metric families for
// expfmt's encoders. It builds them in bulk (one allocation per kind of
// object, not per sample), not as const metrics through a client_golang
// registry: a map of 100,000 keys is one family, and a registry's
// per-sample checks and sorting would dominate its scrape (500 ms against
// 130 ms here). The names and label sets are checked up front instead
// (Check, LabelNames).
func gather(snap *Snapshot) []*dto.MetricFamily {
	var fams []*dto.MetricFamily
	for i := range snap.Maps {
		if f := family(&snap.Maps[i]); f != nil {
			fams = append(fams, f)
		}
	}
	fams = append(fams,
		single(LostEventsName, "Ring-buffer records (printf and other events) the kernel dropped.", dto.MetricType_COUNTER, float64(snap.LostEvents)),
		single(ProbesName, "Probes the script has attached.", dto.MetricType_GAUGE, float64(snap.ProbesAttached)))
	if len(snap.UpdateFailures) > 0 {
		f := &dto.MetricFamily{Name: proto.String(UpdateFailuresName), Help: proto.String("Map updates that failed because the map was full."),
			Type: dto.MetricType_COUNTER.Enum()}
		names := make([]string, 0, len(snap.UpdateFailures))
		for name := range snap.UpdateFailures {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			f.Metric = append(f.Metric, &dto.Metric{
				Label:   []*dto.LabelPair{{Name: proto.String("map"), Value: proto.String(name)}},
				Counter: &dto.Counter{Value: proto.Float64(float64(snap.UpdateFailures[name]))},
			})
		}
		fams = append(fams, f)
	}
	sort.Slice(fams, func(i, j int) bool { return fams[i].GetName() < fams[j].GetName() })
	return fams
}

func single(name, help string, typ dto.MetricType, v float64) *dto.MetricFamily {
	m := &dto.Metric{}
	if typ == dto.MetricType_COUNTER {
		m.Counter = &dto.Counter{Value: proto.Float64(v)}
	} else {
		m.Gauge = &dto.Gauge{Value: proto.Float64(v)}
	}
	return &dto.MetricFamily{Name: proto.String(name), Help: proto.String(help), Type: typ.Enum(), Metric: []*dto.Metric{m}}
}

var dtoTypes = [...]dto.MetricType{Counter: dto.MetricType_COUNTER, Gauge: dto.MetricType_GAUGE,
	Histogram: dto.MetricType_HISTOGRAM, Summary: dto.MetricType_SUMMARY}

// family is one map's metric, one sample per distinct label set; nil for
// a map without entries.
func family(m *Map) *dto.MetricFamily {
	entries := mergeSameLabels(m)
	if len(entries) == 0 {
		return nil
	}
	kind := KindOf(m)
	f := &dto.MetricFamily{Name: proto.String(MetricName(m)), Help: proto.String(help(m)), Type: dtoTypes[kind].Enum()}

	// Labels sorted by name, as Prometheus clients order them.
	names := LabelNames(m)
	order := make([]int, len(names))
	namePtrs := make([]*string, len(names))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return names[order[a]] < names[order[b]] })
	for i, j := range order {
		namePtrs[i] = proto.String(names[j])
	}

	n := len(entries)
	metrics := make([]dto.Metric, n)
	pairs := make([]dto.LabelPair, n*len(names))
	pairPtrs := make([]*dto.LabelPair, n*len(names))
	floats := make([]float64, n)
	f.Metric = make([]*dto.Metric, n)
	var counters []dto.Counter
	var gauges []dto.Gauge
	switch kind {
	case Counter:
		counters = make([]dto.Counter, n)
	case Gauge:
		gauges = make([]dto.Gauge, n)
	}
	lo, hi := bucketRange(m, entries)
	for i := range entries {
		e := &entries[i]
		mt := &metrics[i]
		f.Metric[i] = mt
		if len(names) > 0 {
			lp := pairPtrs[i*len(names) : (i+1)*len(names) : (i+1)*len(names)]
			for k, j := range order {
				p := &pairs[i*len(names)+k]
				p.Name = namePtrs[k]
				p.Value = &e.Key[j]
				lp[k] = p
			}
			mt.Label = lp
		}
		switch kind {
		case Counter:
			floats[i] = value(m, e)
			counters[i].Value = &floats[i]
			mt.Counter = &counters[i]
		case Gauge:
			floats[i] = value(m, e)
			gauges[i].Value = &floats[i]
			mt.Gauge = &gauges[i]
		case Summary:
			mt.Summary = &dto.Summary{SampleCount: proto.Uint64(e.Count), SampleSum: proto.Float64(e.Sum)}
		case Histogram:
			mt.Histogram = histogram(m, e, lo, hi)
		}
	}
	return f
}

func help(m *Map) string {
	agg := [...]string{"value", "count()", "sum()", "min()", "max()", "avg()", "stats()", "hist()", "lhist()"}[m.Agg]
	return "sonde map " + m.Name + ": " + agg
}

func value(m *Map, e *Entry) float64 {
	if m.Agg == Avg {
		if e.Count == 0 {
			return 0
		}
		return e.Sum / float64(e.Count)
	}
	return e.Value
}

// bucketRange is the span of bucket indexes a histogram exports, the same
// for every key of the map and on every node: all of an lhist's; all of a
// hist's from the bucket of zero up, empty ones included, and the negative
// bucket when some key used it. Prometheus merges a fleet by summing
// buckets by le, so a bucket one node lacks (above its largest value)
// would drop that node's count from the sum and bend every quantile;
// missing buckets below a node's smallest value are harmless, as they
// would hold 0 there.
func bucketRange(m *Map, entries []Entry) (lo, hi int) {
	hi = len(m.Bounds) - 1
	if m.Agg == Lhist {
		return 0, hi
	}
	lo = m.Zero
	for i := range entries {
		for b := 0; b < lo && b < len(entries[i].Hist); b++ {
			if entries[i].Hist[b] != 0 {
				lo = b
				break
			}
		}
	}
	return lo, hi
}

// histogram has cumulative counts by le for buckets lo..hi; +Inf is the
// count.
func histogram(m *Map, e *Entry, lo, hi int) *dto.Histogram {
	h := &dto.Histogram{SampleCount: proto.Uint64(e.Count), SampleSum: proto.Float64(e.Sum)}
	if hi < lo {
		return h
	}
	buckets := make([]dto.Bucket, hi-lo+1)
	counts := make([]uint64, hi-lo+1)
	h.Bucket = make([]*dto.Bucket, hi-lo+1)
	var cum uint64
	for b := 0; b <= hi; b++ {
		if b < len(e.Hist) {
			cum += e.Hist[b]
		}
		if b >= lo {
			k := b - lo
			counts[k] = cum
			buckets[k].CumulativeCount = &counts[k]
			buckets[k].UpperBound = &m.Bounds[b]
			h.Bucket[k] = &buckets[k]
		}
	}
	return h
}

// mergeSameLabels makes label values valid UTF-8 and folds entries whose
// labels print the same (two addresses in one function under ksym, two
// cgroups of one path) into one, as the query would sum them. Maps whose
// keys print distinctly (Distinct) need no folding.
func mergeSameLabels(m *Map) []Entry {
	entries := m.Entries
	if len(m.KeyNames) == 0 || m.Distinct {
		return entries
	}
	index := make(map[string]int, len(entries))
	out := make([]Entry, 0, len(entries))
	var sb strings.Builder
	for i := range entries {
		e := entries[i]
		if !allValidUTF8(e.Key) {
			key := make([]string, len(e.Key))
			for j, s := range e.Key {
				key[j] = strings.ToValidUTF8(s, "\uFFFD")
			}
			e.Key = key
		}
		k := e.Key[0]
		if len(e.Key) > 1 {
			sb.Reset()
			for _, s := range e.Key {
				sb.WriteString(s)
				sb.WriteByte(0xff)
			}
			k = sb.String()
		}
		if j, ok := index[k]; ok {
			fold(m.Agg, &out[j], &e)
			continue
		}
		index[k] = len(out)
		out = append(out, e)
	}
	return out
}

// fold adds e into into, as the map would hold them under one key.
func fold(agg Agg, into, e *Entry) {
	switch agg {
	case Min:
		into.Value = math.Min(into.Value, e.Value)
	case Max:
		into.Value = math.Max(into.Value, e.Value)
	default:
		into.Value += e.Value
	}
	into.Count += e.Count
	into.Sum += e.Sum
	if len(e.Hist) > 0 {
		h := make([]uint64, max(len(into.Hist), len(e.Hist)))
		copy(h, into.Hist)
		for b, n := range e.Hist {
			h[b] += n
		}
		into.Hist = h
	}
}

func allValidUTF8(ss []string) bool {
	for _, s := range ss {
		if !utf8.ValidString(s) {
			return false
		}
	}
	return true
}
