package agg

// Metric says how a map of an aggregation reads as a metric, one series
// per key, in the data model of Prometheus: a counter or a gauge has one
// Value; a summary or a histogram has a Count and a Sum (NoField when the
// aggregation keeps none), and a histogram its Rows as buckets.
type Metric struct {
	Type       MetricType
	Value      Field // counter, gauge
	Count, Sum Field // summary, histogram
}

// MetricType is how a metric system reads a series.
type MetricType uint8

const (
	Counter   MetricType = iota + 1 // only grows while the script runs
	Gauge                           // goes up and down
	Summary                         // a count and a sum of observations
	Histogram                       // observations counted in buckets
)

var metricTypes = [...]string{"", "counter", "gauge", "summary", "histogram"}

func (t MetricType) String() string { return metricTypes[t] }

// Field names one number of a merged value.
type Field uint8

const (
	NoField      Field = iota
	FieldNum           // Merged.Num
	FieldCount         // Merged.Count, the number of values
	FieldTotal         // Merged.Total, their sum
	FieldAverage       // Total / Count
	FieldBuckets       // the sum of Merged.Buckets
)

// Of reads the field of m; FieldNum, FieldTotal and FieldAverage are
// signed when signed is.
func (f Field) Of(m *Merged, signed bool) float64 {
	var n uint64
	switch f {
	case FieldNum:
		n = m.Num
	case FieldCount:
		return float64(m.Count)
	case FieldTotal:
		n = m.Total
	case FieldAverage:
		n = average(m, signed)
	case FieldBuckets:
		var sum uint64
		for _, c := range m.Buckets {
			sum += c
		}
		return float64(sum)
	default:
		return 0
	}
	if signed {
		return float64(int64(n))
	}
	return float64(n)
}
