package headers

import (
	"errors"
	"strconv"
	"strings"
)

// value is a C integer constant: its bits, sign- or zero-extended from its
// width, and its type (int, unsigned int, long or unsigned long), so that
// ~0U is 0xffffffff and ~0UL is all ones, as a C compiler computes them.
type value struct {
	v    int64
	wide bool // long (64 bits) rather than int (32)
	u    bool // unsigned
}

func (x value) norm() value {
	if !x.wide {
		if x.u {
			x.v = int64(uint32(x.v))
		} else {
			x.v = int64(int32(x.v))
		}
	}
	return x
}

// errNotConst says an expression is not an integer constant expression
// sonde can evaluate (a string, a function-like macro, a pointer cast...).
var errNotConst = errors.New("not an integer constant expression")

// tok is one token of a directive or macro body.
type tok struct {
	kind byte // 'n' number, 'i' identifier, 'c' character, 'o' operator, 's' string
	text string
}

// tokenize splits C text into tokens. Unknown bytes become one-byte
// operators, which the evaluator then rejects.
func tokenize(s string) []tok {
	var toks []tok
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == '\n':
			i++
		case isIdentStart(c):
			j := i + 1
			for j < len(s) && isIdent(s[j]) {
				j++
			}
			toks = append(toks, tok{'i', s[i:j]})
			i = j
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			j := i + 1
			for j < len(s) && (isIdent(s[j]) || s[j] == '.' || (s[j] == '+' || s[j] == '-') && (s[j-1] == 'e' || s[j-1] == 'E' || s[j-1] == 'p' || s[j-1] == 'P')) {
				j++
			}
			toks = append(toks, tok{'n', s[i:j]})
			i = j
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(s) && s[j] != c {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j+1, len(s))
			k := byte('s')
			if c == '\'' {
				k = 'c'
			}
			toks = append(toks, tok{k, s[i:j]})
			i = j
		default:
			n := 1
			if i+2 < len(s) && (s[i:i+3] == "<<=" || s[i:i+3] == ">>=" || s[i:i+3] == "...") {
				n = 3
			} else if i+1 < len(s) {
				switch s[i : i+2] {
				case "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "##", "->", "++", "--",
					"+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=":
					n = 2
				}
			}
			toks = append(toks, tok{'o', s[i : i+n]})
			i += n
		}
	}
	return toks
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isIdent(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

// parseNumber reads a C integer literal with its suffix and gives it the
// type C gives it: the first of int, unsigned int (not for decimal), long,
// unsigned long that holds it.
func parseNumber(text string) (value, error) {
	s := strings.ToLower(text)
	end := len(s)
	for end > 0 && (s[end-1] == 'u' || s[end-1] == 'l') {
		end--
	}
	suffix, digits := s[end:], s[:end]
	base := 10
	switch {
	case strings.HasPrefix(digits, "0x"):
		base, digits = 16, digits[2:]
	case strings.HasPrefix(digits, "0b"):
		base, digits = 2, digits[2:]
	case len(digits) > 1 && digits[0] == '0':
		base, digits = 8, digits[1:]
	}
	n, err := strconv.ParseUint(digits, base, 64)
	if err != nil || strings.Count(suffix, "u") > 1 || strings.Count(suffix, "l") > 2 {
		return value{}, errNotConst
	}
	u := strings.Contains(suffix, "u")
	wide := strings.Contains(suffix, "l")
	switch {
	case !wide && !u && n <= 0x7fffffff:
	case !wide && (u || base != 10) && n <= 0xffffffff:
		u = true
	case !u && n <= 0x7fffffffffffffff:
		wide = true
	default:
		wide, u = true, true
	}
	return value{v: int64(n), wide: wide, u: u}, nil
}

// parseChar reads a character constant: 'a', '\n', '\0', '\x7f'.
func parseChar(text string) (value, error) {
	if len(text) < 3 || text[0] != '\'' || text[len(text)-1] != '\'' {
		return value{}, errNotConst
	}
	r, _, tail, err := strconv.UnquoteChar(text[1:len(text)-1], '\'')
	if err != nil || tail != "" || r > 0xff {
		return value{}, errNotConst
	}
	return value{v: int64(int8(r))}, nil
}

// intTypes are the type names a cast may use: C's integer types, the
// kernel's and libc's fixed-width typedefs, and the annotations (__force,
// __bitwise) that mean nothing to a compiler.
var intTypes = map[string]struct {
	bits int
	u    bool
}{
	"char": {8, false}, "short": {16, false}, "int": {32, false}, "long": {64, false},
	"__u8": {8, true}, "__u16": {16, true}, "__u32": {32, true}, "__u64": {64, true},
	"__s8": {8, false}, "__s16": {16, false}, "__s32": {32, false}, "__s64": {64, false},
	"u8": {8, true}, "u16": {16, true}, "u32": {32, true}, "u64": {64, true},
	"s8": {8, false}, "s16": {16, false}, "s32": {32, false}, "s64": {64, false},
	"__be16": {16, true}, "__be32": {32, true}, "__be64": {64, true},
	"__le16": {16, true}, "__le32": {32, true}, "__le64": {64, true},
	"uint8_t": {8, true}, "uint16_t": {16, true}, "uint32_t": {32, true}, "uint64_t": {64, true},
	"int8_t": {8, false}, "int16_t": {16, false}, "int32_t": {32, false}, "int64_t": {64, false},
	"size_t": {64, true}, "ssize_t": {64, false}, "uintptr_t": {64, true}, "intptr_t": {64, false},
	"__kernel_size_t": {64, true}, "__kernel_ulong_t": {64, true}, "__kernel_long_t": {64, false},
	"gfp_t": {32, true}, "fmode_t": {32, true}, "umode_t": {16, true}, "slab_flags_t": {32, true},
	"__poll_t": {32, true}, "blk_opf_t": {32, true}, "vm_flags_t": {64, true},
}

var castWords = map[string]bool{"unsigned": true, "signed": true, "const": true, "volatile": true, "__force": true, "__bitwise": true}

// castType reads the type of a cast from words such as "unsigned long".
func castType(words []string) (bits int, unsigned, ok bool) {
	longs := 0
	for _, w := range words {
		switch {
		case w == "unsigned":
			unsigned = true
		case w == "long":
			longs++
			bits = 64
		case castWords[w]:
		case intTypes[w].bits != 0:
			if bits != 0 && !(bits == 64 && w == "int") {
				return 0, false, false
			}
			if w != "int" || bits == 0 {
				bits = intTypes[w].bits
			}
			unsigned = unsigned || intTypes[w].u
		default:
			return 0, false, false
		}
	}
	if bits == 0 {
		bits = 32 // "unsigned" alone
	}
	return bits, unsigned, longs <= 2
}

// evaluator evaluates one expression's tokens (already macro-expanded).
// In #if, arithmetic is done in 64 bits, as C says.
type evaluator struct {
	toks  []tok
	i     int
	inIf  bool
	err   error
	ident func(name string) (value, error) // identifiers left after expansion
}

func (e *evaluator) peek() tok {
	if e.i < len(e.toks) {
		return e.toks[e.i]
	}
	return tok{}
}

func (e *evaluator) is(op string) bool {
	t := e.peek()
	return t.kind == 'o' && t.text == op
}

func (e *evaluator) fail() value {
	if e.err == nil {
		e.err = errNotConst
	}
	e.i = len(e.toks)
	return value{}
}

// eval evaluates the whole token list.
func (e *evaluator) eval() (value, error) {
	x := e.ternary()
	if e.err == nil && e.i != len(e.toks) {
		e.fail()
	}
	return x, e.err
}

func (e *evaluator) ternary() value {
	c := e.binary(0)
	if !e.is("?") {
		return c
	}
	e.i++
	a := e.ternary()
	if !e.is(":") {
		return e.fail()
	}
	e.i++
	b := e.ternary()
	w := a.wide || b.wide
	u := a.u && a.wide == w || b.u && b.wide == w
	if c.v != 0 {
		return value{a.v, w, u}.norm()
	}
	return value{b.v, w, u}.norm()
}

var precedence = map[string]int{
	"||": 1, "&&": 2, "|": 3, "^": 4, "&": 5, "==": 6, "!=": 6,
	"<": 7, ">": 7, "<=": 7, ">=": 7, "<<": 8, ">>": 8, "+": 9, "-": 9, "*": 10, "/": 10, "%": 10,
}

// binary is precedence climbing over C's binary operators.
func (e *evaluator) binary(minPrec int) value {
	x := e.unary()
	for e.err == nil {
		t := e.peek()
		p, ok := precedence[t.text]
		if t.kind != 'o' || !ok || p <= minPrec {
			return x
		}
		e.i++
		y := e.binary(p)
		x = e.apply(t.text, x, y)
	}
	return x
}

func (e *evaluator) apply(op string, x, y value) value {
	if e.err != nil {
		return value{}
	}
	switch op {
	case "||":
		return boolValue(x.v != 0 || y.v != 0)
	case "&&":
		return boolValue(x.v != 0 && y.v != 0)
	case "<<", ">>":
		r := e.promote(x)
		if y.v < 0 || y.v >= 64 {
			return e.fail()
		}
		if op == "<<" {
			r.v <<= uint(y.v)
		} else if r.u && r.wide {
			r.v = int64(uint64(r.v) >> uint(y.v))
		} else {
			r.v >>= uint(y.v) // a 32-bit unsigned value is held zero-extended
		}
		return r.norm()
	}
	x, y = e.promote(x), e.promote(y)
	w := x.wide || y.wide
	u := x.u && x.wide == w || y.u && y.wide == w
	a, b := value{x.v, w, u}.norm(), value{y.v, w, u}.norm()
	ua, ub := uint64(a.v), uint64(b.v)
	r := value{wide: w, u: u}
	switch op {
	case "+":
		r.v = a.v + b.v
	case "-":
		r.v = a.v - b.v
	case "*":
		r.v = a.v * b.v
	case "/", "%":
		if b.v == 0 {
			return e.fail()
		}
		switch {
		case u && op == "/":
			r.v = int64(ua / ub)
		case u:
			r.v = int64(ua % ub)
		case op == "/":
			r.v = a.v / b.v
		default:
			r.v = a.v % b.v
		}
	case "&":
		r.v = a.v & b.v
	case "|":
		r.v = a.v | b.v
	case "^":
		r.v = a.v ^ b.v
	case "==":
		return boolValue(a.v == b.v)
	case "!=":
		return boolValue(a.v != b.v)
	case "<", ">", "<=", ">=":
		var lt, eq bool
		if u {
			lt, eq = ua < ub, ua == ub
		} else {
			lt, eq = a.v < b.v, a.v == b.v
		}
		switch op {
		case "<":
			return boolValue(lt)
		case ">":
			return boolValue(!lt && !eq)
		case "<=":
			return boolValue(lt || eq)
		default:
			return boolValue(!lt)
		}
	}
	return r.norm()
}

// promote widens to 64 bits in #if, where C computes in intmax_t.
func (e *evaluator) promote(x value) value {
	if e.inIf && !x.wide {
		x.wide = true
	}
	return x
}

func boolValue(b bool) value {
	if b {
		return value{v: 1}
	}
	return value{}
}

func (e *evaluator) unary() value {
	t := e.peek()
	if e.err != nil || t.kind == 0 {
		return e.fail()
	}
	e.i++
	switch t.kind {
	case 'n':
		v, err := parseNumber(t.text)
		if err != nil {
			return e.fail()
		}
		return v
	case 'c':
		v, err := parseChar(t.text)
		if err != nil {
			return e.fail()
		}
		return v
	case 'i':
		v, err := e.ident(t.text)
		if err != nil {
			e.err = err
			return e.fail()
		}
		return v
	case 'o':
		switch t.text {
		case "-", "+", "~", "!":
			x := e.promote(e.unary())
			switch t.text {
			case "-":
				x.v = -x.v
			case "~":
				x.v = ^x.v
			case "!":
				return boolValue(x.v == 0)
			}
			return x.norm()
		case "(":
			if v, ok := e.cast(); ok {
				return v
			}
			x := e.ternary()
			if !e.is(")") {
				return e.fail()
			}
			e.i++
			return x
		}
	}
	return e.fail()
}

// cast reads `(type) operand` after the '(' when the parentheses hold only
// integer type words; it leaves the position alone when they do not.
func (e *evaluator) cast() (value, bool) {
	var words []string
	j := e.i
	for ; j < len(e.toks) && e.toks[j].kind == 'i'; j++ {
		w := e.toks[j].text
		if intTypes[w].bits == 0 && !castWords[w] && w != "long" {
			return value{}, false
		}
		words = append(words, w)
	}
	if len(words) == 0 || j >= len(e.toks) || e.toks[j].text != ")" {
		return value{}, false
	}
	bits, u, ok := castType(words)
	if !ok {
		e.fail()
		return value{}, true
	}
	e.i = j + 1
	x := e.unary()
	switch bits {
	case 8:
		x.v = int64(int8(x.v))
		if u {
			x.v = int64(uint8(x.v))
		}
		return value{v: x.v}, true // promoted to int
	case 16:
		x.v = int64(int16(x.v))
		if u {
			x.v = int64(uint16(x.v))
		}
		return value{v: x.v}, true
	case 32:
		return value{v: x.v, u: u}.norm(), true
	}
	return value{v: x.v, wide: true, u: u}, true
}
