package sonde

import "sonde/runtime/output"

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

// eventOutput is the runtime's Output that turns each call into an Event.
type eventOutput struct {
	emit func(Event)
}

func (o *eventOutput) AttachedProbes(n int) { o.emit(Event{Kind: EventAttached, Count: uint64(n)}) }
func (o *eventOutput) Printf(s string)      { o.emit(Event{Kind: EventPrintf, Text: s}) }
func (o *eventOutput) Value(v output.Value) { o.emit(Event{Kind: EventValue, Value: v}) }
func (o *eventOutput) Time(s string)        { o.emit(Event{Kind: EventTime, Text: s}) }
func (o *eventOutput) Join(s string)        { o.emit(Event{Kind: EventJoin, Text: s}) }
func (o *eventOutput) Cat(s string)         { o.emit(Event{Kind: EventCat, Text: s}) }
func (o *eventOutput) System(s string)      { o.emit(Event{Kind: EventSystem, Text: s}) }
func (o *eventOutput) LostEvents(n uint64)  { o.emit(Event{Kind: EventLost, Count: n}) }
func (o *eventOutput) End()                 { o.emit(Event{Kind: EventEnd}) }
func (o *eventOutput) Err() error           { return nil }

func (o *eventOutput) Map(m *output.MapData, top, div int) {
	if m.Len() == 0 {
		return // as the text and JSON outputs: an empty map prints nothing
	}
	v := mapOf(m)
	o.emit(Event{Kind: EventMap, Map: &v, Top: top, Div: div})
}

func (o *eventOutput) Errorf(msg string, loc output.SourceLoc) {
	o.emit(Event{Kind: EventErrorf, Text: msg, Loc: loc})
}

func (o *eventOutput) Warnf(msg string, loc output.SourceLoc) {
	o.emit(Event{Kind: EventWarnf, Text: msg, Loc: loc})
}
