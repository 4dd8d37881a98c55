package metrics

import (
	"math"
	"strings"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
)

// Source reads the maps afresh; it is called once per scrape.
type Source func() (*Snapshot, error)

// collector turns each scrape's Snapshot into const metrics. It is
// unchecked (Describe sends nothing): a map's keys are only known when
// it is read.
type collector struct {
	src Source
}

func (c *collector) Describe(chan<- *prometheus.Desc) {}

var (
	lostDesc     = prometheus.NewDesc(LostEventsName, "Ring-buffer records (printf and other events) the kernel dropped.", nil, nil)
	failuresDesc = prometheus.NewDesc(UpdateFailuresName, "Map updates that failed because the map was full.", []string{"map"}, nil)
	probesDesc   = prometheus.NewDesc(ProbesName, "Probes the script has attached.", nil, nil)
	readDesc     = prometheus.NewDesc(Namespace+"_read_error", "Reading the maps failed.", nil, nil)
)

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	snap, err := c.src()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(readDesc, err)
		return
	}
	for i := range snap.Maps {
		collectMap(ch, &snap.Maps[i])
	}
	ch <- prometheus.MustNewConstMetric(lostDesc, prometheus.CounterValue, float64(snap.LostEvents))
	for name, n := range snap.UpdateFailures {
		ch <- prometheus.MustNewConstMetric(failuresDesc, prometheus.CounterValue, float64(n), name)
	}
	ch <- prometheus.MustNewConstMetric(probesDesc, prometheus.GaugeValue, float64(snap.ProbesAttached))
}

// collectMap sends one metric per distinct label set.
func collectMap(ch chan<- prometheus.Metric, m *Map) {
	kind := KindOf(m)
	desc := prometheus.NewDesc(MetricName(m), help(m), LabelNames(m), nil)
	entries := mergeSameLabels(m)
	lo, hi := bucketRange(m, entries)
	for i := range entries {
		e := &entries[i]
		labels := e.Key
		var metric prometheus.Metric
		var err error
		switch kind {
		case Counter:
			metric, err = prometheus.NewConstMetric(desc, prometheus.CounterValue, value(m, e), labels...)
		case Gauge:
			metric, err = prometheus.NewConstMetric(desc, prometheus.GaugeValue, value(m, e), labels...)
		case Summary:
			metric, err = prometheus.NewConstSummary(desc, e.Count, e.Sum, nil, labels...)
		case Histogram:
			metric, err = prometheus.NewConstHistogram(desc, e.Count, e.Sum, buckets(m, e, lo, hi), labels...)
		}
		if err != nil {
			metric = prometheus.NewInvalidMetric(desc, err)
		}
		ch <- metric
	}
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

// buckets are the cumulative counts client_golang wants, keyed by le;
// +Inf comes from the count.
func buckets(m *Map, e *Entry, lo, hi int) map[float64]uint64 {
	out := make(map[float64]uint64, max(hi-lo+1, 0))
	var cum uint64
	for b := 0; b <= hi && b < len(e.Hist); b++ {
		cum += e.Hist[b]
		if b >= lo {
			out[m.Bounds[b]] = cum
		}
	}
	for b := len(e.Hist); b <= hi; b++ {
		if b >= lo {
			out[m.Bounds[b]] = cum
		}
	}
	return out
}

// mergeSameLabels makes label values valid UTF-8 and folds entries whose
// labels print the same (two addresses in one function under ksym, two
// cgroups of one path) into one, as the query would sum them.
func mergeSameLabels(m *Map) []Entry {
	entries := m.Entries
	if len(m.KeyNames) == 0 {
		return entries
	}
	index := make(map[string]int, len(entries))
	out := entries[:0:0]
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
		sb.Reset()
		for _, s := range e.Key {
			sb.WriteString(s)
			sb.WriteByte(0xff)
		}
		k := sb.String()
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
