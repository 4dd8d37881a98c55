// Package metrics serves a running script's maps as Prometheus metrics.
// It works on a small model of what it exports (Map, Entry, Snapshot),
// filled by an adapter from the runtime's map data (metrics/mapsource),
// and leaves the exposition formats (text, OpenMetrics) to the Prometheus
// client libraries (client_model's metric families, prometheus/common's
// expfmt encoders; see NewHandler for why not client_golang itself).
//
// Names and types follow the issue that specified them (and ebpf_exporter
// where it is silent): map @name is metric sonde_name (@ is sonde_map);
// count() and sum() are counters (sonde_name_total), other values gauges,
// hist() and lhist() histograms, stats() a summary without quantiles
// (_count and _sum); a map the script clears, zeroes or deletes from is a
// gauge, since a counter must not go down.
package metrics

// Agg is how a map aggregates, as far as metrics care.
type Agg int

const (
	Value Agg = iota // a plain integer value: a gauge
	Count
	Sum
	Min
	Max
	Avg
	Stats
	Hist  // power-of-two buckets: exported from zero up, every one
	Lhist // linear buckets: all exported
)

// Map is one map as read at a scrape.
type Map struct {
	Name    string // as the script writes it: "@", "@calls"
	Agg     Agg
	Shrinks bool // the script clears, zeroes or deletes from it

	// KeyNames name the key parts (nil for a map without keys): a builtin
	// or field name, or "" for an expression without one. They become
	// label names (see LabelNames).
	KeyNames []string

	// Hist, Lhist: Bounds[i] is the largest value bucket i holds (its le);
	// the last bucket, past the bounds, is +Inf. Zero is the index of the
	// bucket holding 0, where a Hist's export starts unless a lower
	// (negative) bucket was used.
	Bounds []float64
	Zero   int

	// Distinct is set when different keys always print differently (all
	// parts integers), so entries need no folding by label values.
	Distinct bool

	Entries []Entry
}

// Entry is one key of a map, merged over the CPUs.
type Entry struct {
	Key []string // the key parts as they print in text, one per KeyNames

	Value float64  // count, sum, min, max and plain values
	Count uint64   // avg, stats, hist, lhist: how many values
	Sum   float64  // avg, stats, hist, lhist: their sum
	Hist  []uint64 // hist, lhist: count per bucket index (len(Bounds)+1)
}

// Snapshot is everything one scrape reports.
type Snapshot struct {
	Maps []Map
	// LostEvents counts ring-buffer records the kernel dropped;
	// UpdateFailures failed map updates (map full), by map name ("@calls").
	LostEvents     uint64
	UpdateFailures map[string]uint64
	ProbesAttached int
}
