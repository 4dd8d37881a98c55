package picture

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"sonde/picture/flame"
	"sonde/picture/report"
	"sonde/plan"
	"sonde/runtime/mapdata"
	"sonde/runtime/output"
	"sonde/types"
)

// Recorder is an Output that passes everything on to another and keeps,
// for each map, what the pictures need of the last time it was printed
// (print() or the dump at exit), converted while its stacks can still be
// read. Flame keeps stack maps; Report keeps every map and the run's facts.
type Recorder struct {
	output.Output
	Flame, Report bool

	stacks  *Stacks
	env     *output.Env
	maps    map[string]*report.Map
	lost    uint64
	started time.Time
	ended   time.Time
}

// NewRecorder wraps out; env is the one out prints with.
func NewRecorder(out output.Output, env *output.Env, wantFlame, wantReport bool) *Recorder {
	return &Recorder{Output: out, Flame: wantFlame, Report: wantReport, stacks: NewStacks(env), env: env,
		maps: map[string]*report.Map{}, started: time.Now()}
}

// Event notes when the run started and ended and the events lost, and
// passes the event on.
func (r *Recorder) Event(e output.Event) {
	switch e.Kind {
	case output.KindAttached:
		r.started = time.Now()
	case output.KindLost:
		r.lost += e.N
	case output.KindEnd:
		r.ended = time.Now()
	}
	r.Output.Event(e)
}

func (r *Recorder) Map(m *mapdata.Map, top, div int) {
	r.Output.Map(m, top, div)
	stack := HasStack(m.Info)
	switch {
	case stack && (r.Flame || r.Report):
		r.maps[m.Info.Name] = &report.Map{Name: m.Info.Name, Kind: kindOf(m.Info), Flame: r.stacks.Profile(m, top, div)}
	case r.Report:
		r.maps[m.Info.Name] = r.reportMap(m, top)
	}
}

// Profiles returns the stack maps' profiles in name order.
func (r *Recorder) Profiles() []*flame.Profile {
	var out []*flame.Profile
	for _, name := range r.names() {
		if p := r.maps[name].Flame; p != nil {
			out = append(out, p)
		}
	}
	return out
}

func (r *Recorder) names() []string {
	names := make([]string, 0, len(r.maps))
	for n := range r.maps {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Facts are what the report says about the run besides its maps.
type Facts struct {
	ScriptName, Script string
	Probes             []string
	Warnings           []string
}

// BuildReport returns the report of the run so far.
func (r *Recorder) BuildReport(f Facts) *report.Report {
	end := r.ended
	if end.IsZero() {
		end = time.Now()
	}
	rep := &report.Report{ScriptName: f.ScriptName, Script: f.Script, Probes: f.Probes, Warnings: f.Warnings,
		Started: r.started, Duration: end.Sub(r.started), Lost: r.lost}
	for _, name := range r.names() {
		rep.Maps = append(rep.Maps, *r.maps[name])
	}
	return rep
}

func kindOf(info *plan.MapInfo) string {
	if info.Agg != "" {
		return info.Agg
	}
	return "value"
}

// maxHists is how many keys of a keyed hist the report draws: the
// largest.
const maxHists = 100

// reportMap converts a map that is not a stack map: hist and lhist to
// bars per key, anything else to a table; both largest first.
func (r *Recorder) reportMap(m *mapdata.Map, top int) *report.Map {
	rm := &report.Map{Name: m.Info.Name, Kind: kindOf(m.Info)}
	from := 0
	if top > 0 && m.Len() > top {
		from = m.Len() - top
	}
	var e mapdata.Entry
	if m.Agg != nil && m.Agg.Bucketed() {
		for i := m.Len() - 1; i >= from && len(rm.Hists) < maxHists; i-- {
			m.Entry(i, &e)
			h := report.Hist{Key: r.keyText(output.KeyValues(m, &e))}
			for _, row := range m.Agg.Rows(&e.Merged, m.Params, 1) {
				h.Buckets = append(h.Buckets, report.Bucket{Label: row.Label, Count: row.Count})
			}
			rm.Hists = append(rm.Hists, h)
		}
		return rm
	}
	if m.Len() == from {
		return rm
	}
	t := &report.Table{Total: m.Len() - from}
	t.Columns = r.columns(m)
	for i := m.Len() - 1; i >= from && len(t.Rows) < report.MaxRows; i-- {
		m.Entry(i, &e)
		var row []report.Cell
		for _, v := range output.KeyValues(m, &e) {
			row = append(row, r.cell(v))
		}
		row = append(row, r.valueCells(m, &e)...)
		t.Rows = append(t.Rows, row)
	}
	rm.Table = t
	return rm
}

func (r *Recorder) keyText(parts []output.Value) string {
	s := make([]string, len(parts))
	for i, v := range parts {
		s[i] = output.TextString(v, r.env)
	}
	return strings.Join(s, ", ")
}

// columns heads a table: the key's parts, then the value's.
func (r *Recorder) columns(m *mapdata.Map) []report.Column {
	var cols []report.Column
	if k := m.Info.Key; k != nil && !m.Info.Array {
		parts := []*types.Type{k}
		if k.Kind == types.Tuple {
			parts = nil
			for _, f := range k.Fields {
				parts = append(parts, f.Type)
			}
		}
		for i, t := range parts {
			name := "key"
			if len(parts) > 1 {
				name += " " + strconv.Itoa(i+1)
			}
			cols = append(cols, report.Column{Name: name, Numeric: t.Kind == types.Int})
		}
	}
	switch {
	case m.Agg == nil:
		v := m.Info.Value
		return append(cols, report.Column{Name: "value", Numeric: v != nil && (v.Kind == types.Int || v.Kind == types.Enum)})
	case m.Agg.Parts != nil:
		for _, p := range m.Agg.Parts {
			cols = append(cols, report.Column{Name: p.Name, Numeric: true})
		}
		return cols
	}
	return append(cols, report.Column{Name: kindOf(m.Info), Numeric: true})
}

func (r *Recorder) cell(v output.Value) report.Cell {
	c := report.Cell{Text: output.TextString(v, r.env)}
	if n, ok := v.(output.Int); ok {
		c.Num = num(n.Bits, n.Signed)
	}
	return c
}

func (r *Recorder) valueCells(m *mapdata.Map, e *mapdata.Entry) []report.Cell {
	if m.Agg != nil && m.Agg.Parts != nil {
		var cells []report.Cell
		for _, p := range m.Agg.Parts {
			n, signed := p.Field.Int(&e.Merged, m.Info.Signed)
			cells = append(cells, r.cell(output.Int{Bits: n, Signed: signed}))
		}
		return cells
	}
	c := report.Cell{Text: string(output.AppendEntryValue(nil, m, e, 1, r.env, false))}
	if n, ok := m.Number(e); ok {
		c.Num = float64(n)
	}
	return []report.Cell{c}
}

func num(bits uint64, signed bool) float64 {
	if signed {
		return float64(int64(bits))
	}
	return float64(bits)
}
