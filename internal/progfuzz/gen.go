// Package progfuzz generates random, well-typed sonde scripts from a seed.
// The scripts mix probes, integer widths and casts, strings of odd lengths,
// tuples, maps with scalar, string and tuple keys, aggregations, control
// flow, printf and builtins, so that a test can compile each one and load
// it into the kernel: the verifier then checks code shapes no hand-written
// test covers. Generation is deterministic: the same seed gives the same
// script.
//
// The generator tracks the types of the scratch variables and maps it
// creates, so almost every script type-checks; the few that do not must fail
// with a positioned error.
package progfuzz

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

type kind int

const (
	kInt kind = iota
	kBool
	kStr
	kTuple
)

// typ is the generator's view of a sonde type: integer widths and string
// sizes are left to the compiler.
type typ struct {
	k     kind
	elems []typ // kTuple
}

func (t typ) String() string {
	switch t.k {
	case kInt:
		return "int"
	case kBool:
		return "bool"
	case kStr:
		return "string"
	}
	s := make([]string, len(t.elems))
	for i, e := range t.elems {
		s[i] = e.String()
	}
	return "(" + strings.Join(s, ",") + ")"
}

func (t typ) equal(u typ) bool { return t.String() == u.String() }

// mapInfo is one global map: its key type (nil: a scalar map), and either
// a value type or an aggregation.
type mapInfo struct {
	name string
	key  *typ
	val  typ
	agg  string // count, sum, ..., or "" for a plain value
	// histArgs are the fixed trailing arguments of hist and lhist: a map
	// keeps one set of parameters.
	histArgs string
	// assigned: a store was generated, so reads, prints and deletes may
	// name the map (an unassigned map is a compile error).
	assigned bool
}

// probe kinds
const (
	pBegin = iota
	pGetpid
	pOpenat
	pEnd
)

var probeNames = []string{"BEGIN", "tracepoint:syscalls:sys_enter_getpid", "tracepoint:syscalls:sys_enter_openat", "END"}

type gen struct {
	r     *rand.Rand
	b     strings.Builder
	maps  []*mapInfo
	probe int
	vars  []scratch // visible scratch variables, innermost last
	nvar  int
	depth int // statement nesting
	// loopVars are the for-range variables in scope: integers that cannot
	// be assigned.
	loopVars []string
}

type scratch struct {
	name string
	t    typ
}

// Generate returns the script for seed.
func Generate(seed uint64) string {
	g := &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	g.b.WriteString("macro add1(x) { x + 1 }\n")
	g.b.WriteString("macro pick(a, b) { a > b ? a : b }\n")
	n := 1 + g.r.IntN(3)
	for i := 0; i < n; i++ {
		g.genProbe()
	}
	return g.b.String()
}

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func (g *gen) pick(s ...string) string { return s[g.r.IntN(len(s))] }

func (g *gen) genProbe() {
	switch x := g.r.IntN(10); {
	case x < 4:
		g.probe = pBegin
	case x < 7:
		g.probe = pGetpid
	case x < 9:
		g.probe = pOpenat
	default:
		g.probe = pEnd
	}
	g.vars, g.nvar, g.loopVars = nil, 0, nil
	g.b.WriteString(probeNames[g.probe])
	if g.probe != pBegin && g.probe != pEnd && g.chance(0.4) {
		fmt.Fprintf(&g.b, " /%s/", g.boolExpr(1))
	}
	g.b.WriteString(" {\n")
	n := 2 + g.r.IntN(8)
	for i := 0; i < n; i++ {
		g.stmt(1)
	}
	g.b.WriteString("}\n")
}

func (g *gen) line(ind int, format string, a ...any) {
	g.b.WriteString(strings.Repeat("\t", ind))
	fmt.Fprintf(&g.b, format, a...)
	g.b.WriteString("\n")
}

// randType picks a value type for a new variable or map value.
func (g *gen) randType(allowTuple bool) typ {
	switch x := g.r.IntN(10); {
	case x < 5:
		return typ{k: kInt}
	case x < 6:
		return typ{k: kBool}
	case x < 8 || !allowTuple:
		return typ{k: kStr}
	}
	return g.tupleType()
}

func (g *gen) tupleType() typ {
	n := 2 + g.r.IntN(3)
	t := typ{k: kTuple}
	for i := 0; i < n; i++ {
		t.elems = append(t.elems, g.randType(false))
	}
	return t
}

func (g *gen) keyType() *typ {
	var t typ
	switch x := g.r.IntN(10); {
	case x < 4:
		t = typ{k: kInt}
	case x < 7:
		t = typ{k: kStr}
	case x < 8:
		t = typ{k: kBool}
	default:
		t = g.tupleType()
	}
	return &t
}

var aggs = []string{"count", "sum", "min", "max", "avg", "stats", "hist", "lhist"}

func (g *gen) newMap() *mapInfo {
	m := &mapInfo{name: fmt.Sprintf("@m%d", len(g.maps))}
	if g.chance(0.75) {
		m.key = g.keyType()
	}
	if g.chance(0.4) {
		m.agg = aggs[g.r.IntN(len(aggs))]
		switch m.agg {
		case "hist":
			if g.chance(0.3) {
				m.histArgs = fmt.Sprintf(", %d", g.r.IntN(4))
			}
		case "lhist":
			lo := g.r.IntN(10)
			m.histArgs = fmt.Sprintf(", %d, %d, %d", lo, lo+100+g.r.IntN(1000), 1+g.r.IntN(50))
		}
	} else {
		m.val = g.randType(true)
	}
	g.maps = append(g.maps, m)
	return m
}

func (g *gen) anyMap() *mapInfo {
	if len(g.maps) == 0 || g.chance(0.25) {
		return g.newMap()
	}
	return g.maps[g.r.IntN(len(g.maps))]
}

// readableMap is a map whose values can be read in an expression of type t.
func (g *gen) readableMap(t typ) *mapInfo {
	var c []*mapInfo
	for _, m := range g.maps {
		if m.assigned && m.agg == "" && m.val.equal(t) {
			c = append(c, m)
		}
	}
	if len(c) == 0 {
		return nil
	}
	return c[g.r.IntN(len(c))]
}

func (g *gen) mapRef(m *mapInfo) string {
	if m.key == nil {
		return m.name
	}
	if m.key.k == kTuple && g.chance(0.5) {
		// @m[a, b] is @m[(a, b)].
		s := make([]string, len(m.key.elems))
		for i, e := range m.key.elems {
			s[i] = g.expr(e, 2)
		}
		return m.name + "[" + strings.Join(s, ", ") + "]"
	}
	return m.name + "[" + g.expr(*m.key, 2) + "]"
}

func (g *gen) keyArg(m *mapInfo) string { return g.expr(*m.key, 2) }

func (g *gen) varsOf(t typ) []scratch {
	var c []scratch
	for _, v := range g.vars {
		if v.t.equal(t) {
			c = append(c, v)
		}
	}
	return c
}

func (g *gen) stmt(ind int) {
	// Three levels: unroll in for in unroll can pass 32K instructions,
	// which the compiler reports ("probe is too large").
	if g.depth > 2 {
		g.simpleStmt(ind)
		return
	}
	switch x := g.r.IntN(20); {
	case x < 11:
		g.simpleStmt(ind)
	case x < 14:
		g.line(ind, "if (%s) {", g.boolExpr(1))
		g.block(ind+1, 1+g.r.IntN(3))
		if g.chance(0.5) {
			g.line(ind, "} else {")
			g.block(ind+1, 1+g.r.IntN(3))
		}
		g.line(ind, "}")
	case x < 16:
		g.line(ind, "unroll(%d) {", 1+g.r.IntN(3))
		g.block(ind+1, 1+g.r.IntN(2))
		g.line(ind, "}")
	case x < 18:
		v := fmt.Sprintf("$i%d", g.nvar)
		g.nvar++
		lo := g.r.IntN(3)
		g.line(ind, "for (%s : %d..%d) {", v, lo, lo+g.r.IntN(5))
		g.loopVars = append(g.loopVars, v)
		g.block(ind+1, 1+g.r.IntN(3))
		g.loopVars = g.loopVars[:len(g.loopVars)-1]
		g.line(ind, "}")
	default:
		g.line(ind, "{")
		g.block(ind+1, 1+g.r.IntN(3))
		g.line(ind, "}")
	}
}

// block emits n statements; variables first assigned inside stay inside.
func (g *gen) block(ind, n int) {
	g.depth++
	saved := len(g.vars)
	for i := 0; i < n; i++ {
		g.stmt(ind)
	}
	g.vars = g.vars[:saved]
	g.depth--
}

func (g *gen) simpleStmt(ind int) {
	switch x := g.r.IntN(26); {
	case x < 4: // new scratch variable
		t := g.randType(true)
		e := g.expr(t, 0)
		v := fmt.Sprintf("$v%d", g.nvar)
		g.nvar++
		g.line(ind, "%s = %s;", v, e)
		g.vars = append(g.vars, scratch{v, t})
	case x < 5: // reassign or update a variable
		if len(g.vars) == 0 {
			g.simpleStmt(ind)
			return
		}
		v := g.vars[g.r.IntN(len(g.vars))]
		if v.t.k == kInt && g.chance(0.6) {
			switch g.r.IntN(3) {
			case 0:
				g.line(ind, "%s++;", v.name)
			case 1:
				g.line(ind, "%s %s %s;", v.name, g.pick("+=", "-=", "*=", "|=", "&=", "^=", "<<=", ">>=", "/=", "%="), g.intExpr(1))
			default:
				g.line(ind, "%s = %s;", v.name, g.intExpr(0))
			}
			return
		}
		if v.t.k == kTuple {
			// Tuples cannot be reassigned with different string sizes.
			g.simpleStmt(ind)
			return
		}
		g.line(ind, "%s = %s;", v.name, g.expr(v.t, 0))
	case x < 10: // map store
		m := g.anyMap()
		ref := g.mapRef(m)
		switch {
		case m.agg != "":
			g.line(ind, "%s = %s;", ref, g.aggCall(m))
		case m.val.k == kInt && g.chance(0.3):
			g.line(ind, "%s%s;", ref, g.pick("++", "--", " += 3", " -= 1"))
		default:
			g.line(ind, "%s = %s;", ref, g.expr(m.val, 0))
		}
		m.assigned = true
	case x < 14:
		g.printf(ind)
	case x < 16: // print a value or a map
		if m := g.assignedMap(false); m != nil && g.chance(0.4) {
			switch {
			case m.agg == "" && m.val.k == kInt && g.chance(0.5):
				g.line(ind, "print(%s, %d, %d);", m.name, 1+g.r.IntN(3), 1+g.r.IntN(3))
			case g.chance(0.3) && (m.agg == "" && m.val.k == kInt || m.agg != "" && m.agg != "hist" && m.agg != "lhist" && m.agg != "stats"):
				g.line(ind, "print(%s, %d);", m.name, 1+g.r.IntN(3))
			default:
				g.line(ind, "print(%s);", m.name)
			}
			return
		}
		g.line(ind, "print(%s);", g.expr(g.randType(true), 1))
	case x < 17: // delete
		if m := g.keyedMap(); m != nil {
			if g.chance(0.5) {
				g.line(ind, "delete(%s, %s);", m.name, g.keyArg(m))
			} else {
				g.line(ind, "delete(%s);", g.mapRef(m))
			}
			return
		}
		g.simpleStmt(ind)
	case x < 18: // clear / zero
		m := g.assignedMap(false)
		if m == nil {
			g.simpleStmt(ind)
			return
		}
		if m.agg != "" && g.chance(0.5) {
			g.line(ind, "zero(%s);", m.name)
		} else {
			g.line(ind, "clear(%s);", m.name)
		}
	case x < 19: // a bare expression statement with side effects
		if m := g.keyedMap(); m != nil {
			g.line(ind, "$v%d = has_key(%s, %s);", g.nvar, m.name, g.keyArg(m))
			g.vars = append(g.vars, scratch{fmt.Sprintf("$v%d", g.nvar), typ{k: kBool}})
			g.nvar++
			return
		}
		g.simpleStmt(ind)
	case x < 20:
		if g.chance(0.5) {
			g.line(ind, "printf(\"%%s %%s\\n\", ntop(%s), ntop(%s));", g.ipv4(), g.pick(`pton("::1")`, `pton("fe80::1:2")`, `pton("10.1.2.3")`))
		} else {
			g.line(ind, "printf(\"%%r\\n\", %s);", g.bufExpr())
		}
	case x < 21:
		if g.chance(0.3) {
			g.line(ind, "time(\"%%H:%%M:%%S\\n\");")
		} else {
			g.line(ind, "printf(\"%%s\\n\", strftime(\"%%H:%%M:%%S.%%f\", nsecs));")
		}
	default: // local variable used right away
		t := g.randType(true)
		v := fmt.Sprintf("$v%d", g.nvar)
		g.nvar++
		g.line(ind, "%s = %s;", v, g.expr(t, 1))
		g.vars = append(g.vars, scratch{v, t})
		g.line(ind, "%s", g.useStmt(v, t))
	}
}

func (g *gen) useStmt(v string, t typ) string {
	switch t.k {
	case kInt:
		return fmt.Sprintf("printf(\"%%d %%x\\n\", %s, %s);", v, v)
	case kStr:
		return fmt.Sprintf("printf(\"[%%s]\\n\", %s);", v)
	case kTuple:
		if g.chance(0.5) {
			return fmt.Sprintf("print(%s);", v)
		}
		i := g.r.IntN(len(t.elems))
		return fmt.Sprintf("printf(\"%s\\n\", %s.%d);", verb(t.elems[i]), v, i)
	}
	return fmt.Sprintf("print(%s);", v)
}

func verb(t typ) string {
	switch t.k {
	case kStr:
		return "%s"
	}
	return "%d"
}

func (g *gen) keyedMap() *mapInfo { return g.assignedMap(true) }

func (g *gen) aggCall(m *mapInfo) string {
	if m.agg == "count" {
		return "count()"
	}
	return fmt.Sprintf("%s(%s%s)", m.agg, g.intExpr(1), m.histArgs)
}

// assignedMap is a random map that has been stored to, or nil.
func (g *gen) assignedMap(keyed bool) *mapInfo {
	var c []*mapInfo
	for _, m := range g.maps {
		if m.assigned && (!keyed || m.key != nil) {
			c = append(c, m)
		}
	}
	if len(c) == 0 {
		return nil
	}
	return c[g.r.IntN(len(c))]
}

func (g *gen) printf(ind int) {
	n := g.r.IntN(9)
	var fs, as []string
	for i := 0; i < n; i++ {
		switch x := g.r.IntN(10); {
		case x < 4:
			fs = append(fs, g.pick("%d", "%u", "%x", "%5d", "%-4d", "%lld", "%lu", "%03d", "%X"))
			as = append(as, g.intExpr(1))
		case x < 7:
			fs = append(fs, g.pick("%s", "%10s", "%-7s", "%.3s"))
			as = append(as, g.strExpr(1))
		case x < 8:
			fs = append(fs, "%d")
			as = append(as, g.boolExpr(1))
		case x < 9:
			fs = append(fs, "%s")
			as = append(as, "ntop("+g.ipv4()+")")
		default:
			fs = append(fs, "%c")
			as = append(as, fmt.Sprintf("%d", 65+g.r.IntN(26)))
		}
	}
	fn := "printf"
	if g.chance(0.05) {
		fn = g.pick("warnf", "errorf")
	}
	args := ""
	if len(as) > 0 {
		args = ", " + strings.Join(as, ", ")
	}
	g.line(ind, "%s(\"%s|\\n\"%s);", fn, strings.Join(fs, " "), args)
}

func (g *gen) ipv4() string {
	return g.pick("0x0100007f", "0", fmt.Sprintf("%d", g.r.Uint32()), `pton("192.168.1.77")`, "(uint32)"+g.intAtom(2))
}

func (g *gen) bufExpr() string {
	if g.probe == pOpenat && g.chance(0.6) {
		return fmt.Sprintf("buf(args.filename, %d)", 1+g.r.IntN(20))
	}
	return g.pick(`buf(pton("1.2.3.4"))`, `buf(pton("::ffff:1.2.3.4"))`)
}

// expr builds an expression of type t; d is the nesting depth so far.
func (g *gen) expr(t typ, d int) string {
	switch t.k {
	case kInt:
		return g.intExpr(d)
	case kBool:
		return g.boolExpr(d)
	case kStr:
		return g.strExpr(d)
	}
	if vs := g.varsOf(t); len(vs) > 0 && g.chance(0.3) {
		return vs[g.r.IntN(len(vs))].name
	}
	s := make([]string, len(t.elems))
	for i, e := range t.elems {
		s[i] = g.expr(e, d+1)
	}
	return "(" + strings.Join(s, ", ") + ")"
}

var casts = []string{"uint8", "int8", "uint16", "int16", "uint32", "int32", "uint64", "int64"}

func (g *gen) intLit() string {
	switch g.r.IntN(8) {
	case 0:
		return "0"
	case 1:
		return "1"
	case 2:
		return "-1"
	case 3:
		return g.pick("255", "256", "65535", "65536", "2147483647", "-2147483648", "4294967295", "4294967296", "0x7fffffffffffffff")
	case 4:
		return fmt.Sprintf("0x%x", g.r.Uint32())
	}
	return fmt.Sprintf("%d", g.r.IntN(1000)-100)
}

func (g *gen) intExpr(d int) string {
	if d > 3 {
		if vs := g.varsOf(typ{k: kInt}); len(vs) > 0 && g.chance(0.4) {
			return vs[g.r.IntN(len(vs))].name
		}
		if len(g.loopVars) > 0 && g.chance(0.3) {
			return g.loopVars[g.r.IntN(len(g.loopVars))]
		}
		return g.intLit()
	}
	switch x := g.r.IntN(30); {
	case x < 4:
		return g.intLit()
	case x < 8:
		bs := []string{"pid", "tid", "nsecs", "cpu", "rand", "uid", "gid", "cgroup", "numaid", "jiffies", "elapsed", "ncpus"}
		switch g.probe {
		case pOpenat:
			bs = append(bs, "args.dfd", "args.flags", "args.mode", "args.dfd", "args.flags")
		case pGetpid:
			bs = append(bs, "args.__syscall_nr")
		}
		return g.pick(bs...)
	case x < 11:
		return fmt.Sprintf("(%s)%s", g.pick(casts...), g.intAtom(d+1))
	case x < 17:
		op := g.pick("+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>", "+", "-")
		rhs := g.intExpr(d + 1)
		if op == "<<" || op == ">>" {
			rhs = fmt.Sprintf("%d", g.r.IntN(64))
		}
		return fmt.Sprintf("(%s %s %s)", g.intExpr(d+1), op, rhs)
	case x < 18:
		return fmt.Sprintf("%s%s", g.pick("-", "~"), g.intAtom(d+1))
	case x < 19:
		return fmt.Sprintf("(%s ? %s : %s)", g.boolExpr(d+1), g.intExpr(d+1), g.intExpr(d+1))
	case x < 22:
		if vs := g.varsOf(typ{k: kInt}); len(vs) > 0 {
			return vs[g.r.IntN(len(vs))].name
		}
		if len(g.loopVars) > 0 {
			return g.loopVars[g.r.IntN(len(g.loopVars))]
		}
		return g.intLit()
	case x < 23:
		if m := g.readableMap(typ{k: kInt}); m != nil {
			return g.mapRef(m)
		}
		return g.intLit()
	case x < 24:
		if g.inLoop() {
			return g.intLit()
		}
		return fmt.Sprintf("strlen(%s)", g.haystack())
	case x < 25:
		if g.inLoop() {
			return g.intLit()
		}
		return fmt.Sprintf("strncmp(%s, %s, %d)", g.haystack(), g.strLit(), g.r.IntN(9))
	case x < 26:
		if g.inLoop() {
			return g.intLit()
		}
		return fmt.Sprintf("strstr(%s, %s)", g.haystack(), g.needle())
	case x < 27:
		if g.chance(0.5) {
			return fmt.Sprintf("add1(%s)", g.intExpr(d+1))
		}
		return fmt.Sprintf("pick(%s, %s)", g.intExpr(d+1), g.intExpr(d+1))
	case x < 28:
		return fmt.Sprintf("bswap((%s)%s)", g.pick("uint16", "uint32", "uint64"), g.intAtom(d+1))
	case x < 29:
		if m := g.assignedMap(true); m != nil {
			return fmt.Sprintf("(int64)len(%s)", m.name)
		}
		return g.intLit()
	default:
		// A tuple element.
		for _, v := range g.vars {
			if v.t.k == kTuple {
				for i, e := range v.t.elems {
					if e.k == kInt {
						return fmt.Sprintf("%s.%d", v.name, i)
					}
				}
			}
		}
		return g.intLit()
	}
}

// intAtom is an integer expression that binds tighter than any operator.
func (g *gen) intAtom(d int) string {
	return "(" + g.intExpr(d) + ")"
}

func (g *gen) boolExpr(d int) string {
	if d > 3 {
		return g.pick("true", "false", "(pid > 0)")
	}
	switch x := g.r.IntN(14); {
	case x < 1:
		return g.pick("true", "false")
	case x < 5:
		return fmt.Sprintf("(%s %s %s)", g.intExpr(d+1), g.pick("==", "!=", "<", "<=", ">", ">="), g.intExpr(d+1))
	case x < 6:
		return fmt.Sprintf("(%s %s %s)", g.strExpr(d+1), g.pick("==", "!="), g.strExpr(d+1))
	case x < 7:
		return fmt.Sprintf("!%s", g.boolAtom(d+1))
	case x < 9:
		return fmt.Sprintf("(%s %s %s)", g.boolExpr(d+1), g.pick("&&", "||"), g.boolExpr(d+1))
	case x < 10:
		if g.inLoop() {
			return "true"
		}
		return fmt.Sprintf("strcontains(%s, %s)", g.haystack(), g.needle())
	case x < 11:
		if m := g.keyedMap(); m != nil {
			return fmt.Sprintf("has_key(%s, %s)", m.name, g.keyArg(m))
		}
		return "true"
	case x < 12:
		if vs := g.varsOf(typ{k: kBool}); len(vs) > 0 {
			return vs[g.r.IntN(len(vs))].name
		}
		return "false"
	case x < 13:
		if m := g.readableMap(typ{k: kBool}); m != nil {
			return g.mapRef(m)
		}
		return "true"
	default:
		return fmt.Sprintf("(%s ? %s : %s)", g.boolExpr(d+1), g.boolExpr(d+1), g.boolExpr(d+1))
	}
}

func (g *gen) boolAtom(d int) string {
	return "(" + g.boolExpr(d) + ")"
}

const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-./"

func (g *gen) strLit() string {
	var n int
	switch g.r.IntN(5) {
	case 0:
		n = g.r.IntN(3)
	case 1, 2:
		n = 1 + 2*g.r.IntN(8) // odd lengths
	case 3:
		n = g.r.IntN(24)
	default:
		n = 20 + g.r.IntN(44)
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = letters[g.r.IntN(len(letters))]
	}
	return `"` + string(b) + `"`
}

// inLoop reports whether a for-range loop encloses the code. Excluded: the
// byte-scanning functions (strlen, strncmp, strstr, strcontains) branch on
// every byte, and two in one statement inside nested loops exceed the
// verifier's budget of a million instructions ("BPF program is too large"):
//
//	END { for ($i : 1..3) { for ($j : 0..4) { $v = strlen(comm) >= strlen(comm); } } }
func (g *gen) inLoop() bool { return len(g.loopVars) > 0 }

// haystack is the string strstr, strcontains, strlen and strncmp read byte
// by byte: comm or a literal. Excluded: on a string read by str()
// (str(args.filename), or a map value or variable holding one) these byte
// loads and compares can make the kernel's verifier (6.18) fail with "REG
// INVARIANTS VIOLATION" in dmesg and EFAULT ("bad address (hit verifier
// bug)") for the load, e.g.
//
//	tracepoint:syscalls:sys_enter_openat { $v = strstr(str(args.filename), "ylKrQbPEBj"); }
//	tracepoint:syscalls:sys_enter_openat /has_key(@m, 1)/ { unroll(2) { for ($i : 2..6) { printf("%d\n", strlen(str(args.filename))); } } @m[1]--; }
//
// A default str() (1024 bytes) is searched with bpf_loop since, which the
// bug does not reach: it is back as a haystack outside loops.
func (g *gen) haystack() string {
	if g.probe == pOpenat && !g.inLoop() && g.chance(0.25) {
		return "str(args.filename)"
	}
	if g.chance(0.5) {
		return "comm"
	}
	return g.strLit()
}

func (g *gen) needle() string {
	s := g.strLit()
	if s == `""` {
		return `"a"`
	}
	if len(s) > 12 {
		s = s[:11] + `"`
	}
	return s
}

func (g *gen) strExpr(d int) string {
	if d > 3 {
		if g.chance(0.5) {
			return "comm"
		}
		return g.strLit()
	}
	switch x := g.r.IntN(12); {
	case x < 4:
		return g.strLit()
	case x < 6:
		return "comm"
	case x < 7:
		if g.probe == pOpenat {
			if g.chance(0.5) {
				return fmt.Sprintf("str(args.filename, %d)", 1+g.r.IntN(40))
			}
			return "str(args.filename)"
		}
		return "comm"
	case x < 9:
		if vs := g.varsOf(typ{k: kStr}); len(vs) > 0 {
			return vs[g.r.IntN(len(vs))].name
		}
		return g.strLit()
	case x < 10:
		return fmt.Sprintf("(%s ? %s : %s)", g.boolExpr(d+1), g.strExpr(d+1), g.strExpr(d+1))
	case x < 11:
		if m := g.readableMap(typ{k: kStr}); m != nil {
			return g.mapRef(m)
		}
		return g.strLit()
	default:
		for _, v := range g.vars {
			if v.t.k == kTuple {
				for i, e := range v.t.elems {
					if e.k == kStr {
						return fmt.Sprintf("%s.%d", v.name, i)
					}
				}
			}
		}
		return g.strLit()
	}
}
