package output

import (
	"fmt"
	"strconv"

	"sonde/format"
)

// Format is a parsed printf format, printed with Append.
type Format struct{ format.Format }

// spec is one conversion, printed by the methods below.
type spec format.Spec

// ParseFormat parses a printf format (see format.Parse).
func ParseFormat(s string) *Format { return &Format{*format.Parse(s)} }

// NumArgs is the number of arguments the format consumes.
func (f *Format) NumArgs() int { return len(f.Specs) }

// Sprintf formats args with a bpftrace printf format.
func Sprintf(format string, args []Value, env *Env) (string, error) {
	f := ParseFormat(format)
	if len(args) != len(f.Specs) {
		return "", fmt.Errorf("printf: %d arguments for %d conversions in %q", len(args), len(f.Specs), format)
	}
	return string(f.Append(nil, args, env)), nil
}

// Append formats args (one per conversion; missing ones print nothing)
// onto dst. A value a conversion cannot print is embedded as
// "!{invalid integer conversion: v}", as bpftrace does.
func (f *Format) Append(dst []byte, args []Value, env *Env) []byte {
	env = envOr(env)
	for i := range f.Specs {
		dst = append(dst, f.Text[i]...)
		if i < len(args) {
			dst = (*spec)(&f.Specs[i]).apply(dst, args[i], env)
		}
	}
	return append(dst, f.Text[len(f.Text)-1]...)
}

// apply formats one value as C's printf does, which is what bpftrace's
// output shows (checked against bpftrace 0.17): a precision is the minimum
// number of digits of an integer and the maximum length of a string, the 0
// flag pads after the sign, and ' ' and '+' prefix non-negative numbers.
func (s *spec) apply(dst []byte, v Value, env *Env) []byte {
	start := len(dst)
	switch s.Verb {
	case "d", "i":
		n, ok := intArg(v)
		if !ok {
			return appendConvError(dst, v, env)
		}
		return s.appendSigned(dst, n)
	case "u", "o", "x", "X":
		n, ok := intArg(v)
		if !ok {
			return appendConvError(dst, v, env)
		}
		return s.appendUnsignedVerb(dst, n)
	case "c":
		n, ok := intArg(v)
		if !ok {
			return appendConvError(dst, v, env)
		}
		dst = append(dst, byte(n))
	case "p":
		n, ok := intArg(v)
		if !ok {
			return appendConvError(dst, v, env)
		}
		dst = appendVoidPtr(dst, n)
	case "r", "rx", "rh":
		b, ok := v.(Buffer)
		if !ok {
			dst = s.appendString(dst, v, env)
			break
		}
		dst = appendHexBuffer(dst, b, s.Verb == "r", s.Verb != "rh")
	default: // s, and the floating point verbs format.Check rejects
		dst = s.appendString(dst, v, env)
		if s.Verb == "s" && s.Prec >= 0 && len(dst)-start > s.Prec {
			dst = dst[:start+s.Prec]
		}
	}
	return s.pad(dst, start)
}

// padNumber writes prefix (sign or 0x) and digits, with the precision's
// leading zeros and the field width; the 0 flag pads between prefix and
// digits, and is ignored when a precision is given, as in C.
func (s *spec) padNumber(dst []byte, prefix string, digits []byte) []byte {
	zeros := 0
	if s.Prec >= 0 && len(digits) < s.Prec {
		zeros = s.Prec - len(digits)
	}
	if s.Prec == 0 && len(digits) == 1 && digits[0] == '0' {
		digits = digits[:0]
	}
	n := len(prefix) + zeros + len(digits)
	fill := s.Width - n
	if fill > 0 && s.Zero && !s.Left && s.Prec < 0 {
		zeros += fill
		fill = 0
	}
	if fill > 0 && !s.Left {
		dst = appendSpaces(dst, fill)
	}
	dst = append(dst, prefix...)
	for ; zeros > 0; zeros-- {
		dst = append(dst, '0')
	}
	dst = append(dst, digits...)
	if fill > 0 && s.Left {
		dst = appendSpaces(dst, fill)
	}
	return dst
}

func (s *spec) appendString(dst []byte, v Value, env *Env) []byte {
	if n, ok := v.(Int); ok && n.Signed && int64(n.Bits) >= 0 && s.Plus {
		dst = append(dst, '+') // showpos applies to signed integers
	}
	return AppendText(dst, v, env)
}

func (s *spec) appendUnsigned(dst []byte, n uint64) []byte {
	switch s.Verb {
	case "o":
		if s.Alt && n != 0 {
			dst = append(dst, '0')
		}
		return strconv.AppendUint(dst, n, 8)
	case "x", "X":
		if s.Alt && n != 0 {
			dst = append(dst, '0', s.Verb[0])
		}
		i := len(dst)
		dst = strconv.AppendUint(dst, n, 16)
		if s.Verb == "X" {
			for ; i < len(dst); i++ {
				if c := dst[i]; c >= 'a' && c <= 'f' {
					dst[i] = c - 'a' + 'A'
				}
			}
		}
		return dst
	}
	return strconv.AppendUint(dst, n, 10)
}

// pad widens dst[start:] to the field width with the fill character, on the
// right for '-' and on the left otherwise.
func (s *spec) pad(dst []byte, start int) []byte {
	n := s.Width - (len(dst) - start)
	if n <= 0 {
		return dst
	}
	fill := byte(' ')
	if s.Zero {
		fill = '0'
	}
	if s.Left {
		for ; n > 0; n-- {
			dst = append(dst, fill)
		}
		return dst
	}
	end := len(dst)
	for k := 0; k < n; k++ {
		dst = append(dst, fill)
	}
	copy(dst[start+n:], dst[start:end])
	for k := start; k < start+n; k++ {
		dst[k] = fill
	}
	return dst
}

// intArg extracts the number behind an integer-like value.
func intArg(v Value) (uint64, bool) {
	switch v := v.(type) {
	case Int:
		return v.Bits, true
	case Bool:
		if v {
			return 1, true
		}
		return 0, true
	case Pointer:
		return uint64(v), true
	case Enum:
		return v.Num, true
	}
	return 0, false
}

// signedCast narrows like the C cast bpftrace applies: int unless a length
// modifier says otherwise.
func signedCast(n uint64, length string) int64 {
	switch length {
	case "hh":
		return int64(int8(n))
	case "h":
		return int64(int16(n))
	case "l", "ll", "j", "z", "t":
		return int64(n)
	}
	return int64(int32(n))
}

func unsignedCast(n uint64, length string) uint64 {
	switch length {
	case "hh":
		return uint64(uint8(n))
	case "h":
		return uint64(uint16(n))
	case "l", "ll", "j", "z", "t":
		return n
	}
	return uint64(uint32(n))
}

func appendConvError(dst []byte, v Value, env *Env) []byte {
	dst = append(dst, "!{invalid integer conversion: "...)
	dst = AppendText(dst, v, env)
	return append(dst, '}')
}

func appendSpaces(dst []byte, n int) []byte {
	for ; n > 0; n-- {
		dst = append(dst, ' ')
	}
	return dst
}
