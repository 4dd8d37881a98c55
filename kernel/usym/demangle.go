package usym

import (
	"strconv"
	"strings"
)

// Demangle decodes an Itanium C++ ABI symbol name the way c++filt
// prints it ("_ZN2ns3Cls6methodEi" → "ns::Cls::method(int)"), or returns
// "" for a name it cannot decode. It covers what function symbols use:
// nested and template names, substitutions, constructors, operators,
// builtin, qualified, pointer and function types, thunks and GCC clone
// suffixes; expressions in template arguments are not decoded.
//
// It is a variable so a complete demangler can be swapped in.
var Demangle = demangle

type demangleError struct{}

type demangler struct {
	s      string
	pos    int
	subs   []string // substitution candidates, in ABI order
	tmpl   []string // template arguments of the function, for T_
	inType int      // > 0 while decoding a type: its template args are not the function's
}

func demangle(name string) (out string) {
	if !strings.HasPrefix(name, "_Z") {
		return ""
	}
	mangled, clones := name, ""
	if i := strings.IndexByte(name, '.'); i > 0 {
		mangled, clones = name[:i], cloneSuffix(name[i:])
	}
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(demangleError); !ok {
				panic(r)
			}
			out = ""
		}
	}()
	d := &demangler{s: mangled, pos: 2}
	out = d.encoding()
	if d.pos != len(d.s) {
		return ""
	}
	return out + clones
}

// cloneSuffix renders GCC's ".isra.0.cold" as " [clone .isra.0] [clone .cold]".
func cloneSuffix(s string) string {
	var b strings.Builder
	for s != "" {
		end := 1
		for end < len(s) && s[end] != '.' {
			end++
		}
		// Numeric parts belong to the clone kind before them.
		for end < len(s)-1 && s[end] == '.' && s[end+1] >= '0' && s[end+1] <= '9' {
			end++
			for end < len(s) && s[end] != '.' {
				end++
			}
		}
		b.WriteString(" [clone " + s[:end] + "]")
		s = s[end:]
	}
	return b.String()
}

func (d *demangler) fail() { panic(demangleError{}) }

func (d *demangler) peek() byte {
	if d.pos < len(d.s) {
		return d.s[d.pos]
	}
	return 0
}

func (d *demangler) next() byte {
	c := d.peek()
	if c == 0 {
		d.fail()
	}
	d.pos++
	return c
}

func (d *demangler) consume(p string) bool {
	if strings.HasPrefix(d.s[d.pos:], p) {
		d.pos += len(p)
		return true
	}
	return false
}

// encoding ::= <name> <bare-function-type> | <name> | <special-name>
func (d *demangler) encoding() string {
	if d.peek() == 'T' || d.peek() == 'G' {
		return d.specialName()
	}
	name, cv, isTemplate, ctor := d.name()
	if d.pos == len(d.s) || d.peek() == 'E' {
		return name
	}
	ret := ""
	if isTemplate && !ctor {
		ret = d.typ() + " "
	}
	return ret + name + d.params() + cv
}

// params reads a bare function type's parameter list up to the end or E.
func (d *demangler) params() string {
	var ps []string
	for d.pos < len(d.s) && d.peek() != 'E' && d.peek() != '.' {
		ps = append(ps, d.typ())
	}
	if len(ps) == 1 && ps[0] == "void" {
		ps = nil
	}
	return "(" + strings.Join(ps, ", ") + ")"
}

func (d *demangler) specialName() string {
	switch {
	case d.consume("TV"):
		return "vtable for " + d.typ()
	case d.consume("TI"):
		return "typeinfo for " + d.typ()
	case d.consume("TS"):
		return "typeinfo name for " + d.typ()
	case d.consume("TT"):
		return "VTT for " + d.typ()
	case d.consume("GTt"):
		return "transaction clone for " + d.encoding()
	case d.consume("GTn"):
		return "non-transaction clone for " + d.encoding()
	case d.consume("GV"):
		n, _, _, _ := d.name()
		return "guard variable for " + n
	case d.consume("Th"):
		d.callOffset()
		return "non-virtual thunk to " + d.encoding()
	case d.consume("Tv"):
		d.callOffset()
		d.consume("_")
		d.callOffset()
		return "virtual thunk to " + d.encoding()
	}
	d.fail()
	return ""
}

// callOffset skips a thunk's [n]<number>_.
func (d *demangler) callOffset() {
	d.consume("n")
	d.number()
	if d.next() != '_' {
		d.fail()
	}
}

func (d *demangler) number() int {
	start := d.pos
	for d.peek() >= '0' && d.peek() <= '9' {
		d.pos++
	}
	n, err := strconv.Atoi(d.s[start:d.pos])
	if err != nil {
		d.fail()
	}
	return n
}

// name returns the name, the method's cv-qualifiers, whether it ends in
// template arguments, and whether it is a constructor or destructor.
func (d *demangler) name() (name, cv string, isTemplate, ctor bool) {
	switch d.peek() {
	case 'N':
		return d.nested()
	case 'Z':
		d.pos++
		enc := d.encoding()
		if d.next() != 'E' {
			d.fail()
		}
		if d.consume("s") {
			d.discriminator()
			return enc + "::string literal", "", false, false
		}
		n, cv, isT, ctor := d.name()
		d.discriminator()
		return enc + "::" + n, cv, isT, ctor
	}
	fromSub := false
	if d.consume("St") {
		name = "std::" + d.unqualified()
	} else if d.peek() == 'S' {
		name, fromSub = d.substitution(), true
		if d.peek() != 'I' {
			d.fail() // a substitution alone is not a name
		}
	} else {
		name = d.unqualified()
	}
	if d.peek() == 'I' {
		if !fromSub {
			d.subs = append(d.subs, name)
		}
		return d.withArgs(name), "", true, false
	}
	return name, "", false, false
}

func (d *demangler) discriminator() {
	if d.consume("_") {
		if d.consume("_") {
			d.number()
			d.consume("_")
		} else {
			d.number()
		}
	}
}

// nested ::= N [CV-qualifiers] [ref-qualifier] <prefix> <unqualified-name> E
func (d *demangler) nested() (name, cv string, isTemplate, ctor bool) {
	d.pos++
	for {
		switch {
		case d.consume("r"):
			cv += " restrict"
			continue
		case d.consume("V"):
			cv += " volatile"
			continue
		case d.consume("K"):
			cv += " const"
			continue
		}
		break
	}
	// cv-qualifiers are written restrict, volatile, const but printed
	// const volatile restrict.
	cv = reverseWords(cv)
	if d.consume("R") {
		cv += " &"
	} else if d.consume("O") {
		cv += " &&"
	}
	prefix, last, pending := "", "", false
	for d.peek() != 'E' {
		if pending {
			d.subs = append(d.subs, prefix)
		}
		pending = true
		if d.peek() == 'I' {
			if prefix == "" {
				d.fail()
			}
			prefix = d.withArgs(prefix)
			isTemplate = true // a constructor template stays a constructor
			continue
		}
		isTemplate, ctor = false, false
		switch c := d.peek(); {
		case c == 'S' && d.consume("St"):
			prefix, last = "std", "std"
			pending = false
			continue
		case c == 'S':
			prefix = d.substitution()
			// Before a constructor the abbreviations print in full,
			// as __cxa_demangle does: std::string::basic_string().
			if full, ok := fullStd[prefix]; ok && (d.peek() == 'C' || d.peek() == 'D') {
				prefix = full
			}
			last = lastComponent(prefix)
			pending = false
			continue
		case c == 'T':
			prefix = join(prefix, d.templateParam())
			continue
		case c == 'C' || (c == 'D' && d.pos+1 < len(d.s) && strings.IndexByte("0124", d.s[d.pos+1]) >= 0):
			d.pos++
			if c == 'C' {
				d.consume("I")
			}
			d.next()
			n := last
			if c == 'D' {
				n = "~" + n
			}
			prefix, ctor = join(prefix, n), true
			continue
		}
		u := d.unqualified()
		last, _, _ = strings.Cut(u, "[abi:") // constructors drop the tags
		prefix = join(prefix, u)
	}
	d.pos++
	if prefix == "" {
		d.fail()
	}
	return prefix, cv, isTemplate, ctor
}

func join(prefix, s string) string {
	if prefix == "" {
		return s
	}
	return prefix + "::" + s
}

// lastComponent is the class name a constructor in a substituted prefix
// takes: "std::vector<int>" → "vector".
func lastComponent(s string) string {
	if i := strings.IndexByte(s, '<'); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndex(s, "::"); i >= 0 {
		s = s[i+2:]
	}
	return s
}

func reverseWords(s string) string {
	f := strings.Fields(s)
	for i, j := 0, len(f)-1; i < j; i, j = i+1, j-1 {
		f[i], f[j] = f[j], f[i]
	}
	if len(f) == 0 {
		return ""
	}
	return " " + strings.Join(f, " ")
}

// unqualified ::= <source-name> | <operator-name> | L <source-name>, with
// any B <abi-tag> after it.
func (d *demangler) unqualified() string {
	d.consume("L") // internal linkage
	var n string
	switch c := d.peek(); {
	case c >= '0' && c <= '9':
		n = d.sourceName()
	case c >= 'a' && c <= 'z':
		n = d.operator()
	case c == 'U' && d.consume("Ut"):
		n = "{unnamed type#" + strconv.Itoa(d.seqPlus1()) + "}"
	case c == 'U' && d.consume("Ul"):
		d.inType++
		ps := d.params()
		d.inType--
		if d.next() != 'E' {
			d.fail()
		}
		n = "{lambda" + ps + "#" + strconv.Itoa(d.seqPlus1()) + "}"
	default:
		d.fail()
	}
	for d.consume("B") {
		n += "[abi:" + d.sourceName() + "]"
	}
	return n
}

// seqPlus1 reads [<number>] _ as used by unnamed types and lambdas.
func (d *demangler) seqPlus1() int {
	n := 1
	if d.peek() != '_' {
		n = d.number() + 2
	}
	if d.next() != '_' {
		d.fail()
	}
	return n
}

func (d *demangler) sourceName() string {
	n := d.number()
	if n <= 0 || d.pos+n > len(d.s) {
		d.fail()
	}
	s := d.s[d.pos : d.pos+n]
	d.pos += n
	if strings.HasPrefix(s, "_GLOBAL__N") {
		return "(anonymous namespace)"
	}
	return s
}

var operators = map[string]string{
	"nw": "new", "na": "new[]", "dl": "delete", "da": "delete[]", "ps": "+", "ng": "-",
	"ad": "&", "de": "*", "co": "~", "pl": "+", "mi": "-", "ml": "*", "dv": "/", "rm": "%",
	"an": "&", "or": "|", "eo": "^", "aS": "=", "pL": "+=", "mI": "-=", "mL": "*=", "dV": "/=",
	"rM": "%=", "aN": "&=", "oR": "|=", "eO": "^=", "ls": "<<", "rs": ">>", "lS": "<<=",
	"rS": ">>=", "eq": "==", "ne": "!=", "lt": "<", "gt": ">", "le": "<=", "ge": ">=",
	"ss": "<=>", "nt": "!", "aa": "&&", "oo": "||", "pp": "++", "mm": "--", "cm": ",",
	"pm": "->*", "pt": "->", "cl": "()", "ix": "[]", "qu": "?", "aw": "co_await",
}

func (d *demangler) operator() string {
	if d.pos+2 > len(d.s) {
		d.fail()
	}
	code := d.s[d.pos : d.pos+2]
	d.pos += 2
	switch code {
	case "cv":
		return "operator " + d.typ()
	case "li":
		return "operator\"\" " + d.sourceName()
	}
	op, ok := operators[code]
	if !ok {
		d.fail()
	}
	if op[0] >= 'a' && op[0] <= 'z' {
		return "operator " + op
	}
	return "operator" + op
}

// substitution ::= S_ | S <seq-id> _ | Sa | Sb | Ss | Si | So | Sd
func (d *demangler) substitution() string {
	d.pos++ // S
	switch c := d.next(); c {
	case 'a':
		return "std::allocator"
	case 'b':
		return "std::basic_string"
	case 's':
		return "std::string"
	case 'i':
		return "std::istream"
	case 'o':
		return "std::ostream"
	case 'd':
		return "std::iostream"
	case '_':
		return d.sub(0)
	default:
		id := 0
		for ; c != '_'; c = d.next() {
			v := strings.IndexByte("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", c)
			if v < 0 {
				d.fail()
			}
			id = id*36 + v
		}
		return d.sub(id + 1)
	}
}

var fullStd = map[string]string{
	"std::string":   "std::basic_string<char, std::char_traits<char>, std::allocator<char> >",
	"std::istream":  "std::basic_istream<char, std::char_traits<char> >",
	"std::ostream":  "std::basic_ostream<char, std::char_traits<char> >",
	"std::iostream": "std::basic_iostream<char, std::char_traits<char> >",
}

func (d *demangler) sub(i int) string {
	if i >= len(d.subs) {
		d.fail()
	}
	return d.subs[i]
}

func (d *demangler) templateParam() string {
	d.pos++ // T
	i := 0
	if d.peek() != '_' {
		i = d.number() + 1
	}
	if d.next() != '_' || i >= len(d.tmpl) {
		d.fail()
	}
	return d.tmpl[i]
}

// withArgs appends template arguments to a name: operator< <int>
// keeps its space.
func (d *demangler) withArgs(name string) string {
	if strings.HasSuffix(name, "<") {
		name += " "
	}
	return name + d.templateArgs()
}

// templateArgs ::= I <template-arg>+ E
func (d *demangler) templateArgs() string {
	d.pos++ // I
	var args []string
	for !d.consume("E") {
		args = append(args, d.templateArg()...)
	}
	if d.inType == 0 {
		d.tmpl = args
	}
	s := "<" + strings.Join(args, ", ")
	if strings.HasSuffix(s, ">") {
		s += " "
	}
	return s + ">"
}

func (d *demangler) templateArg() []string {
	switch d.peek() {
	case 'L':
		return []string{d.literal()}
	case 'J':
		d.pos++
		var pack []string
		for !d.consume("E") {
			pack = append(pack, d.templateArg()...)
		}
		return pack
	case 'X':
		d.fail() // expressions
	}
	d.inType++
	defer func() { d.inType-- }()
	return []string{d.typ()}
}

// literal ::= L <type> <value> E | L _Z <encoding> E
func (d *demangler) literal() string {
	d.pos++ // L
	if d.consume("_Z") {
		enc := d.encoding()
		if d.next() != 'E' {
			d.fail()
		}
		return enc
	}
	t := d.typ()
	neg := d.consume("n")
	v := d.number()
	if d.next() != 'E' {
		d.fail()
	}
	s := strconv.Itoa(v)
	if neg {
		s = "-" + s
	}
	switch t {
	case "bool":
		return map[int]string{0: "false", 1: "true"}[v]
	case "int":
		return s
	case "unsigned int":
		return s + "u"
	case "long":
		return s + "l"
	case "unsigned long":
		return s + "ul"
	case "char":
		return "(char)" + s
	}
	return "(" + t + ")" + s
}

var builtinTypes = map[byte]string{
	'v': "void", 'w': "wchar_t", 'b': "bool", 'c': "char", 'a': "signed char",
	'h': "unsigned char", 's': "short", 't': "unsigned short", 'i': "int",
	'j': "unsigned int", 'l': "long", 'm': "unsigned long", 'x': "long long",
	'y': "unsigned long long", 'n': "__int128", 'o': "unsigned __int128",
	'f': "float", 'd': "double", 'e': "long double", 'g': "__float128", 'z': "...",
}

var dBuiltinTypes = map[byte]string{
	'n': "decltype(nullptr)", 's': "char16_t", 'i': "char32_t", 'u': "char8_t",
	'a': "auto", 'c': "decltype(auto)", 'f': "decimal32", 'd': "decimal64", 'e': "decimal128", 'h': "half",
}

// typ decodes a <type>, recording it as a substitution candidate.
func (d *demangler) typ() string {
	d.inType++
	defer func() { d.inType-- }()
	c := d.peek()
	if b, ok := builtinTypes[c]; ok {
		d.pos++
		return b
	}
	var t string
	switch c {
	case 'D':
		if b, ok := dBuiltinTypes[d.s[min(d.pos+1, len(d.s)-1)]]; ok && d.pos+1 < len(d.s) {
			d.pos += 2
			return b
		}
		if d.consume("Dp") {
			t = d.typ() + "..."
		} else {
			d.fail()
		}
	case 'u':
		d.pos++
		return d.sourceName()
	case 'P', 'R', 'O':
		d.pos++
		sym := map[byte]string{'P': "*", 'R': "&", 'O': "&&"}[c]
		if d.peek() == 'F' {
			ret, ps := d.function()
			t = ret + " (" + sym + ")" + ps
		} else {
			t = d.typ() + sym
		}
	case 'K', 'V', 'r':
		d.pos++
		q := map[byte]string{'K': " const", 'V': " volatile", 'r': " restrict"}[c]
		if d.peek() == 'F' {
			ret, ps := d.function()
			t = ret + ps + q
		} else {
			t = d.typ() + q
		}
	case 'F':
		ret, ps := d.function()
		t = ret + " " + ps
	case 'A':
		d.pos++
		n := ""
		if d.peek() != '_' {
			n = strconv.Itoa(d.number())
		}
		if d.next() != '_' {
			d.fail()
		}
		t = d.typ() + " [" + n + "]"
	case 'T':
		t = d.templateParam()
		if d.peek() == 'I' {
			d.subs = append(d.subs, t)
			t = d.withArgs(t)
		}
	case 'S':
		if d.consume("St") {
			t = "std::" + d.unqualified()
		} else {
			t = d.substitution()
			if d.peek() != 'I' {
				return t // already a candidate
			}
			t = d.withArgs(t)
		}
		if d.peek() == 'I' {
			d.subs = append(d.subs, t)
			t = d.withArgs(t)
		}
	default:
		t, _, _, _ = d.name()
	}
	d.subs = append(d.subs, t)
	return t
}

// function ::= F [Y] <return type> <parameters> [<ref-qualifier>] E
func (d *demangler) function() (ret, params string) {
	d.pos++ // F
	d.consume("Y")
	ret = d.typ()
	params = d.params()
	d.consume("R")
	d.consume("O")
	if d.next() != 'E' {
		d.fail()
	}
	return ret, params
}
