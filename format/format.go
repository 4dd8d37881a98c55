// Package format parses printf formats as bpftrace does and checks them
// against argument types: the compiler checks a format with the same
// parser the runtime prints it with.
package format

import (
	"fmt"
	"strconv"
	"strings"

	"sonde/types"
)

// Format is a parsed printf format. bpftrace finds conversions with the
// regex
//
//	%(-?)(\+?)( ?)(#?)(0?)(\*|\d+)?(?:\.(\*|\d+))?([hlLjzt]*)([diouxXeEfFgGaAcspn%]|rh|rx|r)
//
// so flags must come in that order, and a '%' that starts no match is
// literal text. "%%" (with any flags) is a literal '%'.
type Format struct {
	Text  []string // text[i] precedes specs[i]; the last follows them all
	Specs []Spec
}

// Spec is one conversion.
type Spec struct {
	Off        int // byte offset of the '%' in the format
	Left, Plus bool
	Space, Alt bool
	Zero       bool
	Width      int
	Prec       int // -1 when absent
	Length     string
	Verb       string
}

// Parse splits a printf format into text and conversions. It never
// fails: validation against argument types is Check's job.
func Parse(format string) *Format {
	f := &Format{}
	var lit []byte
	last := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		s, end, ok := parseSpec(format, i)
		if !ok {
			continue
		}
		lit = append(lit, format[last:i]...)
		last = end
		if s.Verb == "%" {
			lit = append(lit, '%')
		} else {
			f.Text = append(f.Text, string(lit))
			f.Specs = append(f.Specs, s)
			lit = lit[:0]
		}
		i = end - 1
	}
	lit = append(lit, format[last:]...)
	f.Text = append(f.Text, string(lit))
	return f
}

// parseSpec matches the bpftrace regex at format[i] == '%'.
func parseSpec(format string, i int) (Spec, int, bool) {
	s := Spec{Off: i, Prec: -1}
	j := i + 1
	at := func(c byte) bool {
		if j < len(format) && format[j] == c {
			j++
			return true
		}
		return false
	}
	s.Left = at('-')
	s.Plus = at('+')
	s.Space = at(' ')
	s.Alt = at('#')
	s.Zero = at('0')
	if !at('*') {
		s.Width, j = digits(format, j)
	}
	if j+1 < len(format) && format[j] == '.' && (format[j+1] == '*' || isDigit(format[j+1])) {
		j++
		if !at('*') {
			s.Prec, j = digits(format, j)
		}
	}
	k := j
	for k < len(format) && isLength(format[k]) {
		k++
	}
	s.Length = format[j:k]
	j = k
	if j >= len(format) {
		return s, 0, false
	}
	switch c := format[j]; {
	case isVerb(c):
		s.Verb = format[j : j+1]
		j++
	case c == 'r':
		s.Verb = "r"
		j++
		if j < len(format) && (format[j] == 'h' || format[j] == 'x') {
			s.Verb = format[j-1 : j+1]
			j++
		}
	default:
		return s, 0, false
	}
	return s, j, true
}

func digits(s string, j int) (int, int) {
	n := 0
	for j < len(s) && isDigit(s[j]) {
		n = n*10 + int(s[j]-'0')
		j++
	}
	return n, j
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isLength(c byte) bool {
	switch c {
	case 'h', 'l', 'L', 'j', 'z', 't':
		return true
	}
	return false
}

func isVerb(c byte) bool {
	switch c {
	case 'd', 'i', 'o', 'u', 'x', 'X', 'e', 'E', 'f', 'F', 'g', 'G', 'a', 'A', 'c', 's', 'p', 'n', '%':
		return true
	}
	return false
}

// Error is a printf format that does not fit its arguments. Offset is
// the byte offset of the offending conversion in the format, or -1 when the
// problem is the argument count as a whole.
type Error struct {
	Offset int
	Msg    string
}

func (e *Error) Error() string { return e.Msg }

// Check validates a printf/system/cat/errorf format against the
// argument types, with bpftrace's messages: integer conversions take
// integers, bools and pointers; %r/%rx/%rh take buffers; %s takes anything
// printable.
func Check(format string, args []*types.Type) error {
	f := Parse(format)
	if len(args) < len(f.Specs) {
		return &Error{Offset: f.Specs[len(args)].Off, Msg: fmt.Sprintf(
			"not enough arguments for format string (%d supplied, %d expected)", len(args), len(f.Specs))}
	}
	if len(args) > len(f.Specs) {
		msg := fmt.Sprintf("too many arguments for format string (%d supplied, %d expected)", len(args), len(f.Specs))
		off := -1
		if i, text := strayPercent(format, f); i >= 0 {
			// Printed as text, as bpftrace does; most likely a typo.
			// Quoted the way the script writes it: "%\n" is a percent and a newline.
			msg += fmt.Sprintf("; `%s` is not a conversion", strings.Trim(strconv.Quote(text), `"`))
			off = i
		}
		return &Error{Offset: off, Msg: msg}
	}
	for i, s := range f.Specs {
		t := args[i]
		if t == nil || t.Kind == types.Void {
			return &Error{Offset: s.Off, Msg: "unable to print none type for specifier: " + s.Verb}
		}
		var ok bool
		switch s.Verb {
		case "d", "i", "u", "o", "x", "X", "c", "p":
			ok = isIntegerLike(t)
		case "r", "rx", "rh":
			ok = t.Kind == types.Buffer
		case "s":
			ok = true
		default:
			return &Error{Offset: s.Off, Msg: "unsupported format specifier: " + s.Verb}
		}
		if !ok {
			return &Error{Offset: s.Off, Msg: fmt.Sprintf(
				"unsupported format specifier for type '%s': %s", t, s.Verb)}
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

// strayPercent finds the first `%` of format that starts no conversion
// (nor `%%`), and the text it starts.
func strayPercent(format string, f *Format) (int, string) {
	specs := map[int]bool{}
	for _, sp := range f.Specs {
		specs[sp.Off] = true
	}
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		if i+1 < len(format) && format[i+1] == '%' {
			i++
			continue
		}
		if !specs[i] {
			return i, format[i:min(len(format), i+2)]
		}
	}
	return -1, ""
}
