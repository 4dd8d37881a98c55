package output

import (
	"strconv"

	"sonde/runtime/mapdata"
)

// Output is an output format: it receives everything a running script
// prints. A format is one package implementing it (runtime/output/text,
// runtime/output/ndjson); the runtime calls it from one goroutine.
//
// Every event goes through Event, so a new kind of event is a new Kind,
// not a new method in every format: a format prints the kinds it knows
// and a message kind (Text set) it does not know as its text.
type Output interface {
	// Event prints one event. e.Text is only valid during the call: the
	// runtime formats printf straight from the ring buffer into a buffer
	// it reuses, so a format copies what it keeps.
	Event(e Event)
	// Map prints a map: print(@m, top, div), or the dump at exit (top and
	// div 0). An empty map prints nothing.
	Map(m *mapdata.Map, top, div int)
	// Flush writes out what the format holds back (buffered program
	// output, once the runtime has drained the ring buffer, and at the
	// end) and returns the first write error so far.
	Flush() error
}

// Event is one thing a script prints, other than a map.
type Event struct {
	Kind Kind
	// Text is the message of KindPrintf, KindTime, KindCat, KindSystem,
	// KindJoin, KindErrorf and KindWarnf events.
	Text []byte
	// Value is the value of a KindValue event.
	Value Value
	// Loc is where an errorf or warnf call sits in the script.
	Loc SourceLoc
	// N is the number of a KindAttached or KindLost event.
	N uint64
}

// Kind is what an event is. Its String is the event's name in bpftrace's
// JSON output ("type").
type Kind uint8

const (
	KindPrintf   Kind = iota // printf() output
	KindTime                 // time()'s formatted time
	KindCat                  // cat(): a file's contents
	KindSystem               // system(): a command's output
	KindJoin                 // join(): the joined strings, without the newline text adds
	KindValue                // print(value) of a value that is not a map
	KindErrorf               // errorf(): an error message from the script
	KindWarnf                // warnf(): a warning from the script
	KindAttached             // N probes were attached
	KindLost                 // N ring-buffer records were lost
	KindEnd                  // the run ended; the maps are dumped next
)

var kindNames = [...]string{
	KindPrintf: "printf", KindTime: "time", KindCat: "cat", KindSystem: "syscall", KindJoin: "join", KindValue: "value",
	KindErrorf: "errorf", KindWarnf: "warnf", KindAttached: "attached_probes", KindLost: "lost_events", KindEnd: "end",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "event" + strconv.Itoa(int(k))
}

// SourceLoc is where an errorf/warnf call sits in the script. EndCol, when
// past Col, makes the text location a range ("stdin:1:9-62").
type SourceLoc struct {
	File   string
	Line   int
	Col    int
	EndCol int
}

// AppendText appends the location as text shows it: file:line:col[-end].
func (l SourceLoc) AppendText(dst []byte) []byte {
	dst = append(dst, l.File...)
	dst = append(dst, ':')
	dst = strconv.AppendInt(dst, int64(l.Line), 10)
	dst = append(dst, ':')
	dst = strconv.AppendInt(dst, int64(l.Col), 10)
	if l.EndCol > l.Col {
		dst = append(dst, '-')
		dst = strconv.AppendInt(dst, int64(l.EndCol), 10)
	}
	return dst
}
