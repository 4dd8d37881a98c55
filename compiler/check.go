package compiler

import (
	"sonde/agg"
	"sonde/plan"

	"fmt"
	"strconv"
	"strings"

	"sonde/lang/ast"
	"sonde/provider"
	"sonde/types"
)

// varInfo is one scratch variable of a probe instance.
type varInfo struct {
	name string
	t    *types.Type
	decl ast.Node
	slot loc // assigned by gen
	set  bool
}

// instance is one probe body compiled for one expanded attach point: the
// same body gets different `args` types on different tracepoints.
type instance struct {
	probe    *ast.Probe
	p        plan.Probe
	d        *provider.Provider // p's provider
	fields   []TracepointField  // tracepoint args
	types    map[ast.Expr]*types.Type
	vars     map[*ast.Var]*varInfo
	allVars  []*varInfo
	mapAggs  map[*ast.AssignStmt]*agg.Aggregation
	enumVals map[*ast.Ident]int64
	data     map[ast.Node]any // per-node facts the catalogue computed while checking
	usesArgs bool
	usdt     *USDTTarget // usdt: the probe site, for its argument specs

	// Kernel functions: the BTF signature (loaded on first use) and the
	// function's address for `func`.
	sig      *FuncSig
	sigErr   error
	sigDone  bool
	funcAddr uint64
}

// checker types one instance. Map types are global (in compiler.maps).
type checker struct {
	c      *compiler
	inst   *instance
	scopes []map[string]*varInfo
	final  bool // report errors only in the final pass
	loops  int
}

func (c *compiler) check(inst *instance, final bool) {
	inst.types = map[ast.Expr]*types.Type{}
	inst.vars = map[*ast.Var]*varInfo{}
	inst.allVars = nil
	inst.mapAggs = map[*ast.AssignStmt]*agg.Aggregation{}
	inst.enumVals = map[*ast.Ident]int64{}
	inst.data = map[ast.Node]any{}
	ck := &checker{c: c, inst: inst, final: final}
	ck.push()
	if inst.probe.Pred != nil {
		ck.cond(inst.probe.Pred)
	}
	ck.block(inst.probe.Body)
}

func (ck *checker) errorf(n ast.Node, format string, args ...any) {
	if !ck.final {
		return
	}
	ck.c.errorAt(n.Span(), "", format, args...)
}

func (ck *checker) errorHint(n ast.Node, hint string, format string, args ...any) {
	if !ck.final {
		return
	}
	ck.c.errorAt(n.Span(), hint, format, args...)
}

func (ck *checker) push() { ck.scopes = append(ck.scopes, map[string]*varInfo{}) }
func (ck *checker) pop()  { ck.scopes = ck.scopes[:len(ck.scopes)-1] }

func (ck *checker) lookupVar(name string) *varInfo {
	for i := len(ck.scopes) - 1; i >= 0; i-- {
		if v, ok := ck.scopes[i][name]; ok {
			return v
		}
	}
	return nil
}

func (ck *checker) declare(v *ast.Var, t *types.Type) *varInfo {
	vi := &varInfo{name: v.Name, t: t, decl: v}
	ck.scopes[len(ck.scopes)-1][v.Name] = vi
	ck.inst.allVars = append(ck.inst.allVars, vi)
	ck.inst.vars[v] = vi
	return vi
}

func (ck *checker) block(b *ast.Block) {
	if b == nil {
		return
	}
	ck.push()
	for _, s := range b.Stmts {
		ck.stmt(s)
	}
	ck.pop()
}

func (ck *checker) stmt(s ast.Stmt) {
	switch s := s.(type) {
	case *ast.Block:
		ck.block(s)
	case *ast.ExprStmt:
		ck.exprStmt(s)
	case *ast.AssignStmt:
		ck.assign(s)
	case *ast.LetStmt:
		ck.let(s)
	case *ast.IfStmt:
		ck.cond(s.Cond)
		ck.block(s.Then)
		if s.Else != nil {
			ck.stmt(s.Else)
		}
	case *ast.ForStmt:
		ck.forStmt(s)
	case *ast.WhileStmt:
		ck.cond(s.Cond)
		ck.loops++
		ck.block(s.Body)
		ck.loops--
	case *ast.UnrollStmt:
		n, ok := constInt(s.Count)
		if !ok || n < 1 || n > 100 {
			ck.errorf(s.Count, "unroll count must be a constant between 1 and 100")
		}
		ck.block(s.Body)
	case *ast.JumpStmt:
		if s.Kind != ast.Return && ck.loops == 0 {
			ck.errorf(s, "%s outside of a loop", s.Kind)
		}
		if s.Value != nil {
			ck.expr(s.Value)
		}
	default:
		ck.errorf(s, "unsupported statement")
	}
}

func (ck *checker) exprStmt(s *ast.ExprStmt) {
	switch x := s.X.(type) {
	case *ast.Call:
		if _, ok := agg.Lookup(x.Name); ok {
			ck.errorf(x, "%s() must be assigned to a map, as in @name = %s(...)", x.Name, x.Name)
			return
		}
		ck.call(x, true)
	case *ast.IncDec:
		ck.expr(x)
	case *ast.BlockExpr:
		ck.blockExpr(x, true)
	default:
		ck.expr(s.X)
	}
}

// blockExpr types a block used as an expression (an expanded macro): its
// statements in a scope of their own, then its value, if any. stmt is true
// when the value is discarded.
func (ck *checker) blockExpr(b *ast.BlockExpr, stmt bool) *types.Type {
	ck.push()
	defer ck.pop()
	for _, s := range b.Block.Stmts {
		ck.stmt(s)
	}
	switch {
	case b.Block.Value == nil && stmt:
		return types.VoidT
	case b.Block.Value == nil:
		ck.errorf(b, "this has no value: the block (or macro) does not end with an expression")
		return nil
	case stmt:
		ck.exprStmt(&ast.ExprStmt{At: b.At, X: b.Block.Value})
		return types.VoidT
	}
	return ck.expr(b.Block.Value)
}

func (ck *checker) cond(e ast.Expr) {
	if r, ok := e.(*ast.Record); ok && len(r.Fields) == 1 {
		// `if (pid = 1)` reads as the record (pid = 1): a C habit.
		ck.errorf(e, "`%s = ...` in a condition is an assignment; to compare, use `==`", r.Fields[0].Name)
		return
	}
	t := ck.expr(e)
	if t == nil {
		return
	}
	switch t.Kind {
	case types.Int, types.Bool, types.Pointer, types.Enum:
	default:
		ck.errorf(e, "condition must be an integer, bool or pointer, not %s", t)
	}
}

func (ck *checker) forStmt(s *ast.ForStmt) {
	ck.push()
	defer ck.pop()
	if s.Map != nil {
		ms := ck.c.maps[mapName(s.Map.Name)]
		if ms == nil {
			ck.errorf(s.Map, "unknown map %s", mapName(s.Map.Name))
			ck.c.pending = true
			return
		}
		if !iterable(ms.agg) {
			ck.errorHint(s.Map, "only maps of plain values and "+agg.List(readableAggs(), "and")+" maps can be iterated", "cannot iterate over %s map %s", ms.agg, ms.name)
		}
		key := ms.key
		if key == nil {
			ck.errorf(s.Map, "cannot iterate over map %s, which has no keys", ms.name)
			return
		}
		vt := ms.valueType()
		if vt == nil {
			// Not iterable (reported above), or not typed yet.
			vt = types.Int64
			ck.c.pending = ck.c.pending || iterable(ms.agg)
		}
		ck.declare(s.Var, types.TupleOf(key, vt))
	} else {
		a, b := ck.expr(s.Start), ck.expr(s.End)
		if a != nil && !a.IsInt() {
			ck.errorf(s.Start, "range start must be an integer")
		}
		if b != nil && !b.IsInt() {
			ck.errorf(s.End, "range end must be an integer")
		}
		ck.declare(s.Var, types.Int64)
	}
	ck.loops++
	ck.block(s.Body)
	ck.loops--
}

func (ck *checker) let(s *ast.LetStmt) {
	if v := ck.lookupVar(s.Var.Name); v != nil {
		ck.errorf(s.Var, "variable $%s is already declared; sonde does not allow shadowing", s.Var.Name)
		return
	}
	var t *types.Type
	if s.Type != nil {
		t = ck.resolveType(s.Type)
	}
	if s.Value != nil {
		vt := ck.expr(s.Value)
		if t == nil {
			t = vt
		} else if vt != nil && !assignable(t, vt) {
			ck.errorf(s.Value, "cannot assign %s to $%s of type %s", vt, s.Var.Name, t)
		}
	}
	if t == nil {
		t = types.Int64
	}
	ck.declare(s.Var, storageType(t))
}

func (ck *checker) assign(s *ast.AssignStmt) {
	switch target := s.Target.(type) {
	case *ast.Var:
		vt := ck.expr(s.Value)
		if vt == nil {
			return
		}
		if s.Op != "=" && !vt.IsInt() {
			ck.errorf(s.Value, "%s needs an integer operand", s.Op)
		}
		vi := ck.lookupVar(target.Name)
		if vi == nil {
			if s.Op != "=" {
				ck.errorf(target, "variable $%s used before it is assigned", target.Name)
				return
			}
			vi = ck.declare(target, storageType(vt))
		} else {
			ck.inst.vars[target] = vi
			if u := unify(vi.t, storageType(vt)); u != nil {
				vi.t = u
			} else {
				ck.errorf(s.Value, "type mismatch for $%s: it holds %s, cannot assign %s", target.Name, vi.t, vt)
			}
		}
		ck.inst.types[target] = vi.t
	case *ast.MapRef:
		ck.assignMap(s, target)
	case *ast.Ident:
		if target.Name != "_" {
			ck.errorf(target, "cannot assign to %s", target.Name)
		}
		ck.expr(s.Value)
	default:
		ck.errorf(s.Target, "cannot assign to this expression")
	}
}

func (ck *checker) assignMap(s *ast.AssignStmt, m *ast.MapRef) {
	name := mapName(m.Name)
	keyT := ck.mapKey(m)
	if call, ok := s.Value.(*ast.Call); ok {
		if a, ok := agg.Lookup(call.Name); ok {
			ck.assignAgg(s, m, keyT, a, call)
			return
		}
	}
	vt := ck.expr(s.Value)
	if vt == nil {
		if readsMap(s.Value, name) {
			if ck.c.selfReads == nil {
				ck.c.selfReads = map[string]*ast.MapRef{}
			}
			ck.c.selfReads[name] = m
		}
		return
	}
	ms := ck.c.mapFor(name, m)
	ms.noteKey(ck, m, keyT)
	if s.Op != "=" {
		if !vt.IsInt() {
			ck.errorf(s.Value, "%s needs an integer operand", s.Op)
			return
		}
		if ms.agg == nil && ms.val == nil {
			ms.val = types.Int64
		}
	}
	if ms.agg != nil {
		if s.Op == "=" || !ms.agg.Additive {
			ck.errorf(s, "map %s holds %s values; it cannot also be assigned", name, ms.describe())
		}
		return
	}
	st := storageType(vt)
	if ms.val == nil {
		ms.val = st
	} else if u := unifyMap(ms.val, st); u != nil {
		ms.val = u
	} else {
		ck.errorf(s.Value, "type mismatch for %s: it holds %s, cannot assign %s", name, ms.val, vt)
	}
}

// readsMap says whether e reads the map name.
func readsMap(e ast.Expr, name string) bool {
	found := false
	ast.Walk(e, func(n ast.Node) bool {
		if r, ok := n.(*ast.MapRef); ok && mapName(r.Name) == name {
			found = true
		}
		return !found
	})
	return found
}

// mapKey types the keys of a map reference: nil for none, the key's
// storage type for one, a tuple for several.
func (ck *checker) mapKey(m *ast.MapRef) *types.Type {
	if m.Keys == nil {
		return nil
	}
	var elems []*types.Type
	for _, k := range m.Keys {
		t := ck.expr(k)
		if t == nil {
			return nil
		}
		if !keyable(t) {
			ck.errorf(k, "%s cannot be used as a map key", t)
		}
		st := storageType(t)
		if st.Kind == types.String && st.Size%8 != 0 {
			// Keep whatever follows the key (a hist bucket) aligned.
			st = types.StringType((st.Size + 7) &^ 7)
		}
		elems = append(elems, st)
	}
	if len(elems) == 1 {
		return elems[0]
	}
	return types.TupleOf(elems...)
}

// assignAgg checks @m[k] = AGG(...): the map holds that aggregation, with
// the same parameters everywhere.
func (ck *checker) assignAgg(s *ast.AssignStmt, m *ast.MapRef, keyT *types.Type, a *agg.Aggregation, call *ast.Call) {
	if s.Op != "=" {
		ck.errorf(s, "an aggregation is assigned with =, not %s", s.Op)
		return
	}
	args, signed := ck.aggregation(a, call)
	ck.inst.mapAggs[s] = a
	ms := ck.c.mapFor(mapName(m.Name), m)
	ms.noteKey(ck, m, keyT)
	switch {
	case ms.agg == nil && ms.val == nil:
		ms.agg, ms.aggArgs, ms.aggCall = a, args, call
		ms.signed = signed
	case ms.agg != a:
		ck.errorf(call, "map %s already holds %s values, cannot store %s() in it", ms.name, ms.describe(), call.Name)
	default:
		ms.signed = ms.signed || signed
		ck.c.checkSameParams(ms, call, ck)
	}
}

// aggregation types an aggregation call: an integer value, then integer
// literal parameters that the entry checks. It returns the parameters as
// the entry keeps them and whether the values are signed.
func (ck *checker) aggregation(a *agg.Aggregation, call *ast.Call) ([]int64, bool) {
	if len(call.Args) < a.Min || len(call.Args) > a.Max {
		ck.errorf(call, "%s() takes %s", call.Name, argCount(a.Min, a.Max))
		return nil, false
	}
	signed, literals := false, true
	if len(call.Args) > 0 {
		t := ck.expr(call.Args[0])
		if t != nil && !t.IsInt() {
			ck.errorf(call.Args[0], "%s() needs an integer, not %s", call.Name, t)
		}
		if t != nil && t.Signed {
			signed = true
		}
		for _, a := range call.Args[1:] {
			if _, ok := constInt(a); !ok {
				ck.errorf(a, "%s() parameters must be integer literals", call.Name)
				literals = false
			}
		}
	}
	args := aggArgs(call)
	if a.Params == nil || !literals {
		// Parameters that are not literals read as 0: checking them
		// would report a wrong reason first.
		return args, signed
	}
	args, err := a.Params(args)
	if e, ok := err.(*agg.ArgError); ok {
		var at ast.Node = call
		if e.Arg >= 0 && e.Arg < len(call.Args) {
			at = call.Args[e.Arg]
		}
		ck.errorf(at, "%s", e.Msg)
	}
	return args, signed
}

// readableAggs names the aggregations a probe can read (and `for` walk).
func readableAggs() []string {
	var names []string
	for _, a := range agg.All() {
		if a.Read != nil {
			names = append(names, a.Name)
		}
	}
	return names
}

func argCount(lo, hi int) string {
	switch {
	case lo == hi && lo == 0:
		return "no arguments"
	case lo == hi && lo == 1:
		return "1 argument"
	case lo == hi:
		return fmt.Sprintf("%d arguments", lo)
	}
	return fmt.Sprintf("%d to %d arguments", lo, hi)
}

// expr types an expression and records the result.
func (ck *checker) expr(e ast.Expr) *types.Type {
	t := ck.expr1(e)
	if t != nil {
		ck.inst.types[e] = t
	}
	return t
}

func (ck *checker) expr1(e ast.Expr) *types.Type {
	switch e := e.(type) {
	case *ast.BlockExpr:
		return ck.blockExpr(e, false)
	case *ast.IntLit:
		if e.Value > 1<<63-1 {
			return types.Uint64
		}
		return types.Int64
	case *ast.BoolLit:
		return types.BoolT
	case *ast.StringLit:
		return types.StringType(len(e.Value) + 1)
	case *ast.Positional:
		return ck.positional(e)
	case *ast.Var:
		vi := ck.lookupVar(e.Name)
		if vi == nil {
			ck.errorf(e, "variable $%s used before it is assigned", e.Name)
			return nil
		}
		ck.inst.vars[e] = vi
		return vi.t
	case *ast.MapRef:
		return ck.mapRead(e)
	case *ast.Ident:
		return ck.ident(e)
	case *ast.Call:
		return ck.call(e, false)
	case *ast.Binary:
		return ck.binary(e)
	case *ast.Unary:
		return ck.unary(e)
	case *ast.IncDec:
		switch x := e.X.(type) {
		case *ast.Var:
			vi := ck.lookupVar(x.Name)
			if vi == nil {
				ck.errorf(x, "variable $%s used before it is assigned", x.Name)
				return nil
			}
			ck.inst.vars[x] = vi
			ck.inst.types[x] = vi.t
			if !vi.t.IsInt() {
				ck.errorf(e, "%s needs an integer variable", e.Op)
			}
			return vi.t
		case *ast.MapRef:
			name := mapName(x.Name)
			keyT := ck.mapKey(x)
			ms := ck.c.mapFor(name, x)
			ms.noteKey(ck, x, keyT)
			if ms.agg != nil {
				ck.errorf(e, "map %s holds %s values; %s does not apply", name, ms.describe(), e.Op)
				return types.Int64
			}
			if ms.val == nil {
				ms.val = types.Int64
			} else if !ms.val.IsInt() {
				ck.errorf(e, "map %s holds %s; %s needs an integer", name, ms.val, e.Op)
			}
			ck.inst.types[x] = ms.val
			return ms.val
		}
		ck.errorf(e, "%s applies to a variable or a map", e.Op)
		return nil
	case *ast.Ternary:
		ck.cond(e.Cond)
		var a *types.Type
		if e.Then != nil {
			a = ck.expr(e.Then)
		} else {
			a = ck.inst.types[e.Cond]
		}
		b := ck.expr(e.Else)
		if a == nil || b == nil {
			return nil
		}
		u := unify(storageType(a), storageType(b))
		if u == nil {
			ck.errorf(e, "the branches of ?: have different types: %s and %s", a, b)
		}
		return u
	case *ast.Field:
		return ck.field(e)
	case *ast.Index:
		return ck.index(e)
	case *ast.Cast:
		return ck.cast(e)
	case *ast.Tuple:
		var elems []*types.Type
		for _, x := range e.Elems {
			t := ck.expr(x)
			if t == nil {
				return nil
			}
			elems = append(elems, storageType(t))
		}
		return types.TupleOf(elems...)
	case *ast.Record:
		var names []string
		var elems []*types.Type
		for _, f := range e.Fields {
			t := ck.expr(f.Value)
			if t == nil {
				return nil
			}
			names = append(names, f.Name)
			elems = append(elems, storageType(t))
		}
		return types.RecordOf(names, elems)
	case *ast.Sizeof:
		if e.X != nil {
			ck.expr(e.X)
		} else {
			ck.resolveType(e.Type)
		}
		return types.Uint64
	case *ast.Offsetof:
		return ck.offsetof(e)
	}
	ck.errorf(e, "unsupported expression")
	return nil
}

func (ck *checker) positional(e *ast.Positional) *types.Type {
	if e.Count {
		return types.Int64
	}
	v := ck.c.opts.Positional(e.Index)
	if _, err := strconv.ParseInt(v, 0, 64); err == nil || v == "" {
		return types.Int64
	}
	return types.StringType(len(v) + 1)
}

func (ck *checker) mapRead(m *ast.MapRef) *types.Type {
	name := mapName(m.Name)
	keyT := ck.mapKey(m)
	ms := ck.c.maps[name]
	if ms == nil {
		if ck.final {
			var names []string
			for n := range ck.c.maps {
				names = append(names, n)
			}
			hint := ""
			if s := didYouMean(name, names); s != "" {
				hint = fmt.Sprintf("did you mean %s?", s)
			}
			ck.errorHint(m, hint, "map %s is used but never assigned", name)
		}
		ck.c.pending = true
		return nil
	}
	ms.noteKey(ck, m, keyT)
	t := ms.valueType()
	if t == nil {
		ck.c.pending = true
	}
	if ms.agg != nil && ms.agg.Read == nil {
		ck.errorf(m, "the value of %s map %s cannot be read in a probe", ms.agg, name)
		return nil
	}
	return t
}

func (ck *checker) binary(e *ast.Binary) *types.Type {
	a, b := ck.expr(e.X), ck.expr(e.Y)
	if a == nil || b == nil {
		return nil
	}
	switch e.Op {
	case "&&", "||":
		return types.BoolT
	case "==", "!=", "<", ">", "<=", ">=":
		if a.Kind == types.String || b.Kind == types.String {
			if a.Kind != b.Kind {
				ck.errorf(e, "cannot compare %s with %s", a, b)
			} else if e.Op != "==" && e.Op != "!=" {
				ck.errorf(e, "strings compare with == and != only")
			}
			return types.BoolT
		}
		if !scalar(a) || !scalar(b) {
			ck.errorf(e, "cannot compare %s with %s", a, b)
		}
		return types.BoolT
	}
	if a.Kind == types.Pointer && b.IsInt() && (e.Op == "+" || e.Op == "-") {
		return a
	}
	if !scalar(a) || !scalar(b) {
		ck.errorf(e, "operator %s needs integers, not %s and %s", e.Op, a, b)
		return nil
	}
	signed := a.Signed || b.Signed || e.Op == "-"
	if a.Kind == types.Pointer || b.Kind == types.Pointer {
		signed = false
	}
	return types.IntType(8, signed)
}

func (ck *checker) unary(e *ast.Unary) *types.Type {
	t := ck.expr(e.X)
	if t == nil {
		return nil
	}
	switch e.Op {
	case "!":
		return types.BoolT
	case "-":
		if !scalar(t) {
			ck.errorf(e, "cannot negate %s", t)
		}
		return types.Int64
	case "~":
		if !t.IsInt() {
			ck.errorf(e, "~ needs an integer, not %s", t)
		}
		return types.IntType(8, t.Signed)
	case "*":
		if t.Kind != types.Pointer {
			ck.errorf(e, "cannot dereference %s, which is not a pointer", t)
			return nil
		}
		if t.Elem == nil || t.Elem.Kind == types.Void {
			return types.Uint64
		}
		// A tracepoint's pointer field names its struct only: *p reads
		// and prints all of it.
		if full, err := ck.completeStruct(t.Elem); err == nil && full.Size > 0 {
			return full
		}
		return t.Elem
	case "&":
		ck.errorf(e, "address-of is not supported yet")
		return nil
	}
	return nil
}

func (ck *checker) field(e *ast.Field) *types.Type {
	if id, ok := e.X.(*ast.Ident); ok && id.Name == "args" {
		return ck.argsField(e)
	}
	t := ck.expr(e.X)
	if t == nil {
		return nil
	}
	switch t.Kind {
	case types.Tuple, types.Record:
		for i, f := range t.Fields {
			if f.Name == e.Name || (f.Name == "" && strconv.Itoa(i) == e.Name) {
				return f.Type
			}
		}
		ck.errorf(e, "%s has no field %s", t, e.Name)
		return nil
	case types.Pointer:
		if t.Elem != nil && t.Elem.Kind == types.Struct {
			return ck.structField(e, t.Elem)
		}
	case types.Struct:
		return ck.structField(e, t)
	}
	ck.errorf(e, "%s has no fields", t)
	return nil
}

// completeStruct gives a struct known by name only (from a tracepoint
// format or a pointer's target) its members from BTF; other types, and
// structs that have them, come back as they are.
func (ck *checker) completeStruct(st *types.Type) (*types.Type, error) {
	kt := ck.c.structSource(ck.inst, st)
	if st.Kind != types.Struct || st.Fields != nil || kt == nil || st.Name == "" {
		return st, nil
	}
	return kt.Type(st.Name)
}

func (ck *checker) structField(e *ast.Field, st *types.Type) *types.Type {
	kt := ck.c.structSource(ck.inst, st)
	if kt == nil {
		ck.errorf(e, "kernel types are not available (no BTF)")
		return nil
	}
	st, err := ck.completeStruct(st)
	if err != nil {
		ck.errorf(e, "%v", err)
		return nil
	}
	f, err := kt.Field(st, e.Name)
	if err != nil {
		ck.errorHint(e, hintOf(err), "%v", err)
		return nil
	}
	return fieldType(f.Type)
}

// fieldType maps a C member type to the value it reads as: char arrays
// become strings.
func fieldType(t *types.Type) *types.Type {
	if t.Kind == types.Array && t.Elem.Kind == types.Int && t.Elem.Size == 1 {
		return types.StringType(t.Len)
	}
	return t
}

func (ck *checker) argsField(e *ast.Field) *types.Type {
	inst := ck.inst
	inst.usesArgs = true
	switch inst.d.Args {
	case provider.ArgsBTF, provider.ArgsRegs:
		return ck.kernelArgsField(e)
	case provider.ArgsTracepoint:
	default:
		ck.errorf(e, "args is not available in %s probes", inst.p.Provider)
		return nil
	}
	var names []string
	for _, f := range inst.fields {
		if f.Name == e.Name {
			if f.DataLoc {
				return types.StringType(ck.c.cfg.MaxStrlen)
			}
			return fieldType(f.Type)
		}
		names = append(names, f.Name)
	}
	hint := ""
	if s := didYouMean(e.Name, names); s != "" {
		hint = fmt.Sprintf("did you mean args.%s?", s)
	}
	ck.errorHint(e, hint, "tracepoint %s has no field %s", inst.p.Group+":"+inst.p.Event, e.Name)
	return nil
}

func (ck *checker) index(e *ast.Index) *types.Type {
	t := ck.expr(e.X)
	it := ck.expr(e.Index)
	if t == nil || it == nil {
		return nil
	}
	switch t.Kind {
	case types.Tuple:
		n, ok := constInt(e.Index)
		if !ok || n < 0 || int(n) >= len(t.Fields) {
			ck.errorf(e.Index, "tuple index must be a constant between 0 and %d", len(t.Fields)-1)
			return nil
		}
		return t.Fields[n].Type
	case types.Pointer:
		if t.Elem == nil {
			return types.Uint8
		}
		return fieldType(t.Elem)
	case types.Array:
		return fieldType(t.Elem)
	case types.String:
		return types.Uint8
	}
	ck.errorf(e, "%s cannot be indexed", t)
	return nil
}

func (ck *checker) cast(e *ast.Cast) *types.Type {
	from := ck.expr(e.X)
	to := ck.resolveType(e.Type)
	if from == nil || to == nil {
		return nil
	}
	switch to.Kind {
	case types.Int, types.Bool, types.Pointer, types.Enum:
		if !scalar(from) {
			ck.errorf(e, "cannot cast %s to %s", from, to)
		}
	case types.Array:
		if !from.IsInt() || from.Size != to.Size && storageType(from).Size != to.Size {
			ck.errorf(e, "cannot cast %s to %s", from, to)
		}
	default:
		ck.errorf(e, "cannot cast to %s", to)
	}
	return to
}

var intTypeNames = map[string]*types.Type{
	"int8": types.Int8, "int16": types.Int16, "int32": types.Int32, "int64": types.Int64,
	"uint8": types.Uint8, "uint16": types.Uint16, "uint32": types.Uint32, "uint64": types.Uint64,
	"u8": types.Uint8, "u16": types.Uint16, "u32": types.Uint32, "u64": types.Uint64,
	"s8": types.Int8, "s16": types.Int16, "s32": types.Int32, "s64": types.Int64,
	"__u8": types.Uint8, "__u16": types.Uint16, "__u32": types.Uint32, "__u64": types.Uint64,
	"__s8": types.Int8, "__s16": types.Int16, "__s32": types.Int32, "__s64": types.Int64,
	"uint8_t": types.Uint8, "uint16_t": types.Uint16, "uint32_t": types.Uint32, "uint64_t": types.Uint64,
	"int8_t": types.Int8, "int16_t": types.Int16, "int32_t": types.Int32, "int64_t": types.Int64,
	"char": types.Int8, "short": types.Int16, "int": types.Int32, "long": types.Int64,
	"pid_t": types.Int32, "size_t": types.Uint64, "ssize_t": types.Int64,
	"bool": types.BoolT,
}

func (ck *checker) resolveType(te *ast.Type) *types.Type {
	if te == nil {
		return nil
	}
	if te.Typeof != nil {
		return ck.expr(te.Typeof)
	}
	if te.TypeofT != nil {
		return ck.resolveType(te.TypeofT)
	}
	var t *types.Type
	name := strings.Join(strings.Fields(te.Name), " ")
	switch {
	case name == "string":
		n := te.Param
		if n == 0 {
			n = ck.c.cfg.MaxStrlen
		}
		t = types.StringType(n)
	case intTypeNames[name] != nil:
		t = intTypeNames[name]
	case name == "void":
		t = types.VoidT
	default:
		kt := ck.c.typeSource(ck.inst)
		if kt == nil {
			ck.errorf(te, "unknown type %s (kernel types need BTF)", name)
			return nil
		}
		bt, err := kt.Type(name)
		if err != nil {
			ck.errorHint(te, hintOf(err), "%v", err)
			return nil
		}
		t = bt
	}
	// In user-space probes a pointer made by a cast points into the
	// process, as does one to a type of the program's.
	user := t.User || (ck.inst != nil && ck.inst.d.UserSpace)
	for _, s := range te.Suffixes {
		if s.Ptr {
			elem := t
			if elem.Kind == types.Void {
				elem = nil
			}
			t = types.PointerTo(elem, user)
		} else {
			t = types.ArrayOf(t, s.Len)
		}
	}
	return t
}

// constInt evaluates a constant integer expression.
func constInt(e ast.Expr) (int64, bool) { return ast.ConstInt(e) }

func scalar(t *types.Type) bool { return t.IsScalar() }

func keyable(t *types.Type) bool {
	switch t.Kind {
	case types.Void, types.Struct:
		return false
	}
	return true
}

// storageType is how a value of type t is stored in maps, variables and
// event records: integers widen to 64 bits, so one layout serves all sizes.
func storageType(t *types.Type) *types.Type {
	switch t.Kind {
	case types.Int:
		return types.IntType(8, t.Signed)
	case types.Enum:
		c := *t
		c.Size = 8
		return &c
	case types.Tuple:
		elems := make([]*types.Type, len(t.Fields))
		for i, f := range t.Fields {
			elems[i] = storageType(f.Type)
		}
		return types.TupleOf(elems...)
	case types.Record:
		elems := make([]*types.Type, len(t.Fields))
		names := make([]string, len(t.Fields))
		for i, f := range t.Fields {
			elems[i] = storageType(f.Type)
			names[i] = f.Name
		}
		return types.RecordOf(names, elems)
	}
	return t
}

// unify returns a type that holds values of both a and b (wider integer,
// longer string), or nil when they are incompatible.
// unifyMap is unify for map keys and values, where a pointer and a 64-bit
// integer are one: a kretprobe's typed retval and a kprobe's arg0 key the
// same map in scripts written for bpftrace, where both are integers. The
// map keeps the integer type (and prints as one).
func unifyMap(a, b *types.Type) *types.Type {
	switch {
	case a.Kind == types.Pointer && b.Kind == types.Int && b.Size == 8:
		return b
	case b.Kind == types.Pointer && a.Kind == types.Int && a.Size == 8:
		return a
	}
	return unify(a, b)
}

func unify(a, b *types.Type) *types.Type {
	if types.Equal(a, b) {
		return a
	}
	switch {
	case a.Kind == types.Int && b.Kind == types.Int:
		return types.IntType(8, a.Signed || b.Signed)
	case a.IsInt() && b.IsInt():
		return types.Int64
	case a.Kind == types.String && b.Kind == types.String:
		if a.Size >= b.Size {
			return a
		}
		return b
	case a.Kind == types.Pointer && b.Kind == types.Pointer:
		return a

	case (a.Kind == types.Tuple && b.Kind == types.Tuple) || (a.Kind == types.Record && b.Kind == types.Record):
		if len(a.Fields) != len(b.Fields) {
			return nil
		}
		elems := make([]*types.Type, len(a.Fields))
		names := make([]string, len(a.Fields))
		for i := range a.Fields {
			if a.Fields[i].Name != b.Fields[i].Name {
				return nil
			}
			u := unify(a.Fields[i].Type, b.Fields[i].Type)
			if u == nil {
				return nil
			}
			elems[i] = u
			names[i] = a.Fields[i].Name
		}
		if a.Kind == types.Record {
			return types.RecordOf(names, elems)
		}
		return types.TupleOf(elems...)
	}
	return nil
}

func assignable(to, from *types.Type) bool {
	return unify(storageType(to), storageType(from)) != nil
}

func mapName(n string) string { return "@" + n }

// offsetof resolves offsetof(type, a.b.c) to a constant, walking nested
// members through BTF; the generator reads it back from inst.data.
func (ck *checker) offsetof(e *ast.Offsetof) *types.Type {
	var st *types.Type
	if e.X != nil {
		st = ck.expr(e.X)
	} else {
		st = ck.resolveType(e.Type)
	}
	if st == nil {
		return nil
	}
	if st.Kind == types.Pointer && st.Elem != nil {
		st = st.Elem
	}
	off := 0
	for _, name := range e.Fields {
		if full, err := ck.completeStruct(st); err == nil {
			st = full
		}
		if st.Kind != types.Struct && st.Kind != types.Record {
			ck.errorf(e, "offsetof: %s has no members", st)
			return nil
		}
		var f types.Field
		var err error
		if kt := ck.c.structSource(ck.inst, st); kt != nil && st.Kind == types.Struct {
			f, err = kt.Field(st, name)
		} else {
			err = fmt.Errorf("%s has no field %q", st, name)
			for _, sf := range st.Fields {
				if sf.Name == name {
					f, err = sf, nil
				}
			}
		}
		if err != nil {
			hint := ""
			if h, ok := err.(interface{ Hint() string }); ok {
				hint = h.Hint()
			}
			ck.errorHint(e, hint, "offsetof: %v", err)
			return nil
		}
		off += f.Offset
		st = f.Type
	}
	ck.inst.data[e] = int64(off)
	return types.Uint64
}
