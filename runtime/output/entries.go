package output

import "sonde/plan"

// Reading a MapData from outside the package, for formats that draw maps
// rather than print them (sonde/picture).

// Entry returns the i-th entry in print order, 0 <= i < Len().
func (m *MapData) Entry(i int) Entry {
	var e Entry
	m.entry(i, &e)
	return e
}

// Number is e's value as one number where the map's values are numbers:
// count, sum, min, max, avg (the average), stats (the count), hist and
// lhist (the total count) and plain integers. ok is false otherwise.
func (m *MapData) Number(e *Entry) (n int64, ok bool) {
	info := m.Info
	switch info.Agg {
	case plan.AggCount:
		return int64(e.Num), true
	case plan.AggSum, plan.AggMin, plan.AggMax:
		if !info.Signed && int64(e.Num) < 0 {
			return 1<<63 - 1, true
		}
		return int64(e.Num), true
	case plan.AggAvg:
		return int64(average(e, info.Signed)), true
	case plan.AggStats:
		return int64(e.Count), true
	case plan.AggHist, plan.AggLhist:
		var sum uint64
		for _, c := range e.Buckets {
			sum += c
		}
		return int64(sum), true
	}
	if sortsByValue(info.Value) {
		return int64(readInt(e.Value, info.Value.Size, info.Value.Signed)), true
	}
	return 0, false
}

// HistRow is one row of a hist or lhist as the text output prints it.
type HistRow struct {
	Label string // "[4, 8)", "[1K, 2K)", "[0]"
	Count uint64
}

// HistRows returns e's histogram rows, trimmed to the used range as the
// text output prints them.
func (m *MapData) HistRows(e *Entry) []HistRow {
	h := m.hist(e, 1)
	rows := make([]HistRow, len(h.counts))
	for i, c := range h.counts {
		rows[i] = HistRow{Label: string(h.rowLabel(nil, i)), Count: c}
	}
	return rows
}

// ValueText renders e's value (not a histogram) as the text output does.
func (m *MapData) ValueText(e *Entry, env *Env) string {
	return string(appendEntryValue(nil, m.Info, e, 1, envOr(env), false))
}

// KeyValues decodes e's key: one value per tuple element, one for a plain
// key, none for a map without keys.
func (m *MapData) KeyValues(e *Entry) []Value {
	if m.Info.Key == nil || m.Info.Array {
		return nil
	}
	v := Decode(m.Info.Key, e.Key)
	if t, ok := v.(Tuple); ok {
		return t
	}
	return []Value{v}
}
