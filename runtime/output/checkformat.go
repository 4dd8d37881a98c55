package output

import (
	"fmt"

	"sonde/types"
)

// FormatError is a printf format that does not fit its arguments. Offset is
// the byte offset of the offending conversion in the format, or -1 when the
// problem is the argument count as a whole.
type FormatError struct {
	Offset int
	Msg    string
}

func (e *FormatError) Error() string { return e.Msg }

// CheckFormat validates a printf/system/cat/errorf format against the
// argument types, with bpftrace's messages: integer conversions take
// integers, bools and pointers; %r/%rx/%rh take buffers; %s takes anything
// printable.
func CheckFormat(format string, args []*types.Type) error {
	f := ParseFormat(format)
	if len(args) < len(f.specs) {
		return &FormatError{Offset: f.specs[len(args)].off, Msg: fmt.Sprintf(
			"not enough arguments for format string (%d supplied, %d expected)", len(args), len(f.specs))}
	}
	if len(args) > len(f.specs) {
		return &FormatError{Offset: -1, Msg: fmt.Sprintf(
			"too many arguments for format string (%d supplied, %d expected)", len(args), len(f.specs))}
	}
	for i, s := range f.specs {
		t := args[i]
		if t == nil || t.Kind == types.Void {
			return &FormatError{Offset: s.off, Msg: "unable to print none type for specifier: " + s.verb}
		}
		var ok bool
		switch s.verb {
		case "d", "i", "u", "o", "x", "X", "c", "p":
			ok = isIntegerLike(t)
		case "r", "rx", "rh":
			ok = t.Kind == types.Buffer
		case "s":
			ok = true
		default:
			return &FormatError{Offset: s.off, Msg: "unsupported format specifier: " + s.verb}
		}
		if !ok {
			return &FormatError{Offset: s.off, Msg: fmt.Sprintf(
				"unsupported format specifier for type '%s': %s", t, s.verb)}
		}
	}
	return nil
}

func isIntegerLike(t *types.Type) bool {
	switch t.Kind {
	case types.Int, types.Bool, types.Pointer, types.Enum, types.Cgroup:
		return true
	}
	return false
}
