package metrics

import (
	"fmt"
	"strings"
)

// Namespace prefixes every metric sonde exports.
const Namespace = "sonde"

// Kind is the Prometheus type a map is exported as.
type Kind int

const (
	Counter Kind = iota
	Gauge
	Histogram
	Summary
)

// KindOf is the type of m: a map whose values can go down is a gauge
// however it aggregates, since a counter must not decrease.
func KindOf(m *Map) Kind {
	switch m.Agg {
	case Count, Sum:
		if m.Shrinks {
			return Gauge
		}
		return Counter
	case Hist, Lhist:
		return Histogram
	case Stats:
		return Summary
	}
	return Gauge
}

// MetricName is the metric a map is exported as: @calls is sonde_calls,
// the unnamed @ is sonde_map, and counters end in _total.
func MetricName(m *Map) string {
	base := strings.TrimPrefix(m.Name, "@")
	if base == "" {
		base = "map"
	}
	name := Namespace + "_" + sanitize(base)
	if KindOf(m) == Counter && !strings.HasSuffix(name, "_total") {
		name += "_total"
	}
	return name
}

// LabelNames are the label names of a map's key parts: each part's own
// name where it has a usable one, else key (one part) or key0, key1...
// Names Prometheus reserves (__*, and le and quantile in histograms and
// summaries) and repeated names fall back the same way.
func LabelNames(m *Map) []string {
	n := len(m.KeyNames)
	out := make([]string, n)
	used := map[string]bool{}
	generic := func(i int) string {
		if n == 1 {
			return "key"
		}
		return fmt.Sprintf("key%d", i)
	}
	for i, k := range m.KeyNames {
		name := sanitize(k)
		if k == "" || strings.HasPrefix(name, "__") || name == "le" || name == "quantile" || used[name] {
			name = ""
		}
		out[i] = name
		if name != "" {
			used[name] = true
		}
	}
	for i := range out {
		if out[i] != "" {
			continue
		}
		name := generic(i)
		for used[name] {
			name += "_"
		}
		out[i] = name
		used[name] = true
	}
	return out
}

// sanitize makes s a valid metric or label name: characters outside
// [a-zA-Z0-9_] become _, and a leading digit gets a _ before it.
func sanitize(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			b[i] = '_'
		}
	}
	if len(b) > 0 && b[0] >= '0' && b[0] <= '9' {
		return "_" + string(b)
	}
	return string(b)
}

// Self-metrics: how the tracing itself is doing.
const (
	LostEventsName     = Namespace + "_lost_events_total"
	UpdateFailuresName = Namespace + "_map_update_failures_total"
	ProbesName         = Namespace + "_probes_attached"
)

// Check reports maps whose metric names collide, with each other or with
// the self-metrics, before anything is served.
func Check(maps []Map) error {
	seen := map[string]string{
		LostEventsName:     "sonde's lost-event count",
		UpdateFailuresName: "sonde's map-update failures",
		ProbesName:         "sonde's probe count",
	}
	for i := range maps {
		m := &maps[i]
		for _, name := range familyNames(m) {
			if other, ok := seen[name]; ok {
				return fmt.Errorf("map %s would be exported as %s, as %s is: rename one of them", m.Name, name, other)
			}
			seen[name] = "map " + m.Name
		}
	}
	return nil
}

// familyNames are the sample names a map's metric writes, for Check:
// sonde_x_count of one map must not be sonde_x's _count of another.
func familyNames(m *Map) []string {
	name := MetricName(m)
	switch KindOf(m) {
	case Histogram:
		return []string{name, name + "_bucket", name + "_sum", name + "_count"}
	case Summary:
		return []string{name, name + "_sum", name + "_count"}
	}
	return []string{name}
}
