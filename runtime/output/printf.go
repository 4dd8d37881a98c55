package output

import (
	"fmt"
	"strconv"
)

// Format is a parsed printf format. bpftrace finds conversions with the
// regex
//
//	%(-?)(\+?)( ?)(#?)(0?)(\*|\d+)?(?:\.(\*|\d+))?([hlLjzt]*)([diouxXeEfFgGaAcspn%]|rh|rx|r)
//
// so flags must come in that order, and a '%' that starts no match is
// literal text. "%%" (with any flags) is a literal '%'.
type Format struct {
	text  []string // text[i] precedes specs[i]; the last follows them all
	specs []spec
}

// spec is one conversion.
type spec struct {
	off        int // byte offset of the '%' in the format
	left, plus bool
	space, alt bool
	zero       bool
	width      int
	prec       int // -1 when absent
	length     string
	verb       string
}

// ParseFormat splits a printf format into text and conversions. It never
// fails: validation against argument types is CheckFormat's job.
func ParseFormat(format string) *Format {
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
		if s.verb == "%" {
			lit = append(lit, '%')
		} else {
			f.text = append(f.text, string(lit))
			f.specs = append(f.specs, s)
			lit = lit[:0]
		}
		i = end - 1
	}
	lit = append(lit, format[last:]...)
	f.text = append(f.text, string(lit))
	return f
}

// parseSpec matches the bpftrace regex at format[i] == '%'.
func parseSpec(format string, i int) (spec, int, bool) {
	s := spec{off: i, prec: -1}
	j := i + 1
	at := func(c byte) bool {
		if j < len(format) && format[j] == c {
			j++
			return true
		}
		return false
	}
	s.left = at('-')
	s.plus = at('+')
	s.space = at(' ')
	s.alt = at('#')
	s.zero = at('0')
	if !at('*') {
		s.width, j = digits(format, j)
	}
	if j+1 < len(format) && format[j] == '.' && (format[j+1] == '*' || isDigit(format[j+1])) {
		j++
		if !at('*') {
			s.prec, j = digits(format, j)
		}
	}
	k := j
	for k < len(format) && isLength(format[k]) {
		k++
	}
	s.length = format[j:k]
	j = k
	if j >= len(format) {
		return s, 0, false
	}
	switch c := format[j]; {
	case isVerb(c):
		s.verb = format[j : j+1]
		j++
	case c == 'r':
		s.verb = "r"
		j++
		if j < len(format) && (format[j] == 'h' || format[j] == 'x') {
			s.verb = format[j-1 : j+1]
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

// NumArgs is the number of arguments the format consumes.
func (f *Format) NumArgs() int { return len(f.specs) }

// Sprintf formats args with a bpftrace printf format.
func Sprintf(format string, args []Value, env *Env) (string, error) {
	f := ParseFormat(format)
	if len(args) != len(f.specs) {
		return "", fmt.Errorf("printf: %d arguments for %d conversions in %q", len(args), len(f.specs), format)
	}
	return string(f.Append(nil, args, env)), nil
}

// Append formats args (one per conversion; missing ones print nothing)
// onto dst. A value a conversion cannot print is embedded as
// "!{invalid integer conversion: v}", as bpftrace does.
func (f *Format) Append(dst []byte, args []Value, env *Env) []byte {
	env = envOr(env)
	for i, s := range f.specs {
		dst = append(dst, f.text[i]...)
		if i < len(args) {
			dst = s.apply(dst, args[i], env)
		}
	}
	return append(dst, f.text[len(f.text)-1]...)
}

// apply formats one value as C's printf does, which is what bpftrace's
// output shows (checked against bpftrace 0.17): a precision is the minimum
// number of digits of an integer and the maximum length of a string, the 0
// flag pads after the sign, and ' ' and '+' prefix non-negative numbers.
func (s *spec) apply(dst []byte, v Value, env *Env) []byte {
	start := len(dst)
	switch s.verb {
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
		dst = appendHexBuffer(dst, b, s.verb == "r", s.verb != "rh")
	default: // s, and the floating point verbs CheckFormat rejects
		dst = s.appendString(dst, v, env)
		if s.verb == "s" && s.prec >= 0 && len(dst)-start > s.prec {
			dst = dst[:start+s.prec]
		}
	}
	return s.pad(dst, start)
}

// padNumber writes prefix (sign or 0x) and digits, with the precision's
// leading zeros and the field width; the 0 flag pads between prefix and
// digits, and is ignored when a precision is given, as in C.
func (s *spec) padNumber(dst []byte, prefix string, digits []byte) []byte {
	zeros := 0
	if s.prec >= 0 && len(digits) < s.prec {
		zeros = s.prec - len(digits)
	}
	if s.prec == 0 && len(digits) == 1 && digits[0] == '0' {
		digits = digits[:0]
	}
	n := len(prefix) + zeros + len(digits)
	fill := s.width - n
	if fill > 0 && s.zero && !s.left && s.prec < 0 {
		zeros += fill
		fill = 0
	}
	if fill > 0 && !s.left {
		dst = appendSpaces(dst, fill)
	}
	dst = append(dst, prefix...)
	for ; zeros > 0; zeros-- {
		dst = append(dst, '0')
	}
	dst = append(dst, digits...)
	if fill > 0 && s.left {
		dst = appendSpaces(dst, fill)
	}
	return dst
}

func (s *spec) appendString(dst []byte, v Value, env *Env) []byte {
	if n, ok := v.(Int); ok && n.Signed && int64(n.Bits) >= 0 && s.plus {
		dst = append(dst, '+') // showpos applies to signed integers
	}
	return AppendText(dst, v, env)
}

func (s *spec) appendUnsigned(dst []byte, n uint64) []byte {
	switch s.verb {
	case "o":
		if s.alt && n != 0 {
			dst = append(dst, '0')
		}
		return strconv.AppendUint(dst, n, 8)
	case "x", "X":
		if s.alt && n != 0 {
			dst = append(dst, '0', s.verb[0])
		}
		i := len(dst)
		dst = strconv.AppendUint(dst, n, 16)
		if s.verb == "X" {
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
	n := s.width - (len(dst) - start)
	if n <= 0 {
		return dst
	}
	fill := byte(' ')
	if s.zero {
		fill = '0'
	}
	if s.left {
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
