package output

import "strconv"

// Output receives everything a running script prints. NewText and NewJSON
// implement it. Every call writes through to the underlying writers; the
// first write error is kept in Err.
type Output interface {
	// AttachedProbes reports how many probes were attached.
	AttachedProbes(n int)
	// Printf prints the result of printf() (Sprintf'ed already).
	Printf(s string)
	// Value prints print(value) of a non-map value.
	Value(v Value)
	// Map prints a map: print(@m, top, div) or the dump at exit (top and
	// div 0). Empty maps print nothing.
	Map(m *MapData, top, div int)
	// Time prints time()'s formatted string, Join join()'s joined string,
	// Cat a file's contents, System a command's output.
	Time(s string)
	Join(s string)
	Cat(s string)
	System(s string)
	// Errorf and Warnf print errorf()/warnf() messages.
	Errorf(msg string, loc SourceLoc)
	Warnf(msg string, loc SourceLoc)
	// LostEvents reports ring-buffer records the kernel dropped.
	LostEvents(n uint64)
	// End marks the end of the run, before the maps are dumped: text
	// prints two newlines, JSON nothing.
	End()
	// Err returns the first write error.
	Err() error
}

// SourceLoc is where an errorf/warnf call sits in the script. EndCol, when
// past Col, makes the text location a range ("stdin:1:9-62").
type SourceLoc struct {
	File   string
	Line   int
	Col    int
	EndCol int
}

func (l SourceLoc) appendText(dst []byte) []byte {
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
