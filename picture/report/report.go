// Package report writes one self-contained HTML page of a run: every map
// drawn the way people read it (hist and lhist as bar charts with their
// bucket labels, tseries as line charts, stack maps as flame graphs, other
// maps as sortable tables) and the run's facts. Its input is a plain model,
// so it knows nothing of BPF maps or how values print.
package report

import (
	"time"

	"sonde/picture/flame"
)

// Report is one run.
type Report struct {
	Title      string // default "sonde report"
	ScriptName string // "stdin" or the file
	Script     string // the program's text
	Probes     []string
	Started    time.Time
	Duration   time.Duration
	Lost       uint64   // ring-buffer records the kernel dropped
	Warnings   []string // such as maps that were full
	Maps       []Map
}

// Map is one map; exactly one of Hists, Series, Flame and Table is set.
type Map struct {
	Name   string // "@", "@bytes"
	Kind   string // what its values are: "count", "hist", "lhist", "tseries", ...
	Hists  []Hist
	Series []Series
	Flame  *flame.Profile
	Table  *Table
}

// Hist is the histogram of one key ("" for a map without keys).
type Hist struct {
	Key     string
	Buckets []Bucket
}

// Bucket is one row of a histogram, labelled as the text output labels it
// ("[4, 8)", "[1K, 2K)").
type Bucket struct {
	Label string
	Count uint64
}

// Series is a time series of one key.
type Series struct {
	Key    string
	Points []Point
}

// Point is a value at a time since the start of the run.
type Point struct {
	T time.Duration
	V float64
}

// Table is the entries of a map: columns for the key's parts and for the
// value's, one row per entry, in print order. Total is the number of
// entries when Rows holds only some of them.
type Table struct {
	Columns []Column
	Rows    [][]Cell
	Total   int
}

// Column heads a table column; numeric columns sort by number.
type Column struct {
	Name    string
	Numeric bool
}

// Cell is a value as text and, in numeric columns, as a number.
type Cell struct {
	Text string
	Num  float64
}
