package sonde

import (
	"sonde/runtime/mapdata"
	"sonde/runtime/output"
)

// EventKind is what a script printed.
type EventKind int

const (
	EventAttached EventKind = iota // the probes are attached: Count of them
	EventPrintf                    // printf(): Text
	EventValue                     // print(value): Value
	EventMap                       // print(@m [, top [, div]]), or a map printed at the end: Map, Top, Div
	EventTime                      // time(): Text
	EventJoin                      // join(): Text
	EventCat                       // cat(): Text, the file's contents
	EventSystem                    // system(): Text, the command's output
	EventErrorf                    // errorf(): Text and Loc
	EventWarnf                     // warnf(): Text and Loc
	EventLost                      // Count records the kernel dropped (a full ring buffer)
	EventEnd                       // the run is ending; the maps at the end follow as EventMap
)

// Event is one thing a script printed, as Go values.
type Event struct {
	Kind     EventKind
	Text     string
	Value    output.Value
	Map      *Map
	Top, Div int // print(@m, top, div); 0 when not given
	Loc      output.SourceLoc
	Count    uint64
}

// eventOutput is the runtime's Output that turns each event into an Event.
type eventOutput struct {
	emit func(Event)
}

// eventKinds are the Events of the runtime's event kinds; a kind that is
// not here is not delivered.
var eventKinds = map[output.Kind]EventKind{
	output.KindAttached: EventAttached, output.KindPrintf: EventPrintf, output.KindValue: EventValue,
	output.KindTime: EventTime, output.KindJoin: EventJoin, output.KindCat: EventCat,
	output.KindSystem: EventSystem, output.KindErrorf: EventErrorf, output.KindWarnf: EventWarnf,
	output.KindLost: EventLost, output.KindEnd: EventEnd,
}

func (o *eventOutput) Event(e output.Event) {
	k, ok := eventKinds[e.Kind]
	if !ok {
		return
	}
	ev := Event{Kind: k, Value: e.Value, Count: e.N}
	if e.Text != nil {
		ev.Text = string(e.Text)
	}
	if k == EventErrorf || k == EventWarnf {
		ev.Loc = e.Loc
	}
	o.emit(ev)
}

func (o *eventOutput) Flush() error { return nil }

func (o *eventOutput) Map(m *mapdata.Map, top, div int) {
	if m.Len() == 0 {
		return // as the text and JSON outputs: an empty map prints nothing
	}
	v := mapOf(m)
	o.emit(Event{Kind: EventMap, Map: &v, Top: top, Div: div})
}
