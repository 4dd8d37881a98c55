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

// Bits reads the field of m, in two's complement when Signed says so.
func (f Field) Bits(m *Merged) uint64 {
	switch f {
	case FieldNum:
		return m.Num
	case FieldCount:
		return m.Count
	case FieldTotal:
		return m.Total
	case FieldAverage:
		return average(m, false)
	case FieldBuckets:
		var sum uint64
		for _, c := range m.Buckets {
			sum += c
		}
		return sum
	}
	return 0
}

// Signed reports whether the field is signed in a map of signed values:
// counts never are.
func (f Field) Signed(signed bool) bool {
	return signed && (f == FieldNum || f == FieldTotal || f == FieldAverage)
}

// Int reads the field of m as a number: signed when the field is.
func (f Field) Int(m *Merged, signed bool) (n uint64, isSigned bool) {
	isSigned = f.Signed(signed)
	if f == FieldAverage {
		return average(m, isSigned), isSigned
	}
	return f.Bits(m), isSigned
}

// Of reads the field of m as a sample value.
func (f Field) Of(m *Merged, signed bool) float64 {
	n, s := f.Int(m, signed)
	if s {
		return float64(int64(n))
	}
	return float64(n)
}
