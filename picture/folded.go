package picture

import (
	"io"

	"sonde/picture/flame"
	"sonde/plan"
	"sonde/runtime/mapdata"
	"sonde/runtime/output"
	"sonde/runtime/output/text"
)

// Folded is the -f folded output: maps keyed by a stack print as
// FlameGraph folded lines, everything else as the text output prints it.
// It prints no blank lines before the maps at exit, so the output of a
// script whose maps are all stack maps is folded lines and nothing else.
type Folded struct {
	*text.Output
	out    io.Writer
	stacks *Stacks
	// prefix: with several stack maps, each line starts with the map's
	// name, so their stacks stay apart in one flame graph.
	prefix bool
	err    error
}

// NewFolded returns the folded output for a plan: out and errOut as for
// text.New.
func NewFolded(out, errOut io.Writer, env *output.Env, p *plan.Plan) *Folded {
	n := 0
	for _, m := range p.Maps {
		if HasStack(m) {
			n++
		}
	}
	return &Folded{Output: text.New(out, errOut, env), out: out, stacks: NewStacks(env), prefix: n > 1}
}

// Event prints as text, without the blank lines of the end of the run.
func (f *Folded) Event(e output.Event) {
	if e.Kind != output.KindEnd {
		f.Output.Event(e)
	}
}

func (f *Folded) Map(m *mapdata.Map, top, div int) {
	if !HasStack(m.Info) {
		f.Output.Map(m, top, div)
		return
	}
	p := f.stacks.Profile(m, top, div)
	if f.prefix {
		name := flame.Frame{Name: m.Info.Name, Kind: flame.Label}
		for i := range p.Stacks {
			p.Stacks[i].Frames = append([]flame.Frame{name}, p.Stacks[i].Frames...)
		}
	}
	if err := flame.WriteFolded(f.out, p.Stacks); err != nil && f.err == nil {
		f.err = err
	}
}

func (f *Folded) Flush() error {
	err := f.Output.Flush()
	if f.err != nil {
		return f.err
	}
	return err
}
