// Package ast defines sonde's syntax tree. Every node carries the span of
// source text it came from, so later passes can point at it in diagnostics.
//
// The tree is our own: the parser's grammar structs never leave package lang.
package ast

import "fmt"

// Pos is a position in a source file. Line and Col are 1-based; Col counts
// bytes. Offset is the 0-based byte offset into the original (not
// preprocessed) text.
type Pos struct {
	File   string
	Line   int
	Col    int
	Offset int
}

func (p Pos) String() string {
	if p.File == "" {
		return fmt.Sprintf("%d:%d", p.Line, p.Col)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// IsValid reports whether the position was set.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Span is the half-open source range [Start, End) of a node.
type Span struct {
	Start Pos
	End   Pos
}

// At is embedded in every node: the node's span. It is a distinct type
// from Span because an embedded field named Span would hide the Span method.
type At Span

// Span returns the node's source range.
func (a At) Span() Span { return Span(a) }

// AtSpan converts a Span for embedding in a node literal: &Ident{At: AtSpan(s)}.
func AtSpan(s Span) At { return At(s) }

// Node is any syntax tree node.
type Node interface {
	Span() Span
}

// Program is one parsed script.
type Program struct {
	At
	Shebang  string        // "#!..." first line, without the newline; "" if absent
	Config   []*ConfigItem // config = { name = value; ... }
	Imports  []*Import
	Macros   []*Macro
	MapDecls []*MapDecl
	Probes   []*Probe
	CDecls   []*CDecl // root C definitions (struct/union/enum), kept as text
	Includes []*Include
}

// Include is an `#include <name>` or `#include "name"` line. sonde reads
// no C declarations; the compiler takes the constants headers define.
type Include struct {
	At
	Name   string // between the brackets or quotes: "linux/socket.h"
	Quoted bool   // "name" rather than <name>
}

// CDecl is a C type definition at the root, `struct S { int x; };`, kept
// as written: sonde takes types from BTF and parses no C, so it is up to
// the compiler to use or reject it.
type CDecl struct {
	At
	Text string
}

// ConfigItem is one `name = value` of a config block.
type ConfigItem struct {
	At
	Name  string
	Value Expr // *IntLit, *StringLit, *BoolLit or *Ident (e.g. missing_probes = warn)
}

// Import is `import "path";` at the root.
type Import struct {
	At
	Path string
}

// MacroParamKind says how a macro parameter is passed.
type MacroParamKind int

const (
	MacroExprParam MacroParamKind = iota // bare name: expression substitution
	MacroVarParam                        // $name: a scratch variable
	MacroMapParam                        // @name: a map
)

// MacroParam is one parameter of a macro definition.
type MacroParam struct {
	At
	Kind MacroParamKind
	Name string // without the $ or @ sigil
}

// Macro is `macro name(params) { body }`. The value of the macro is the
// trailing expression of Body (Body.Value), if any.
type Macro struct {
	At
	Name   string
	Params []*MacroParam
	Body   *Block
}

// MapDecl is a root-level map declaration: `let @name = lruhash(100);`.
type MapDecl struct {
	At
	Name string // without '@'; "" for the unnamed map
	Kind string // hash, lruhash, percpuhash, percpulruhash, ...
	Args []Expr
}

// Probe is one action block with its attach points.
type Probe struct {
	At
	Attach      []*AttachPoint
	Pred        Expr // nil when there is no predicate
	Body        *Block
	Declarative bool // written as < ... > rather than { ... }
}

// AttachPoint is one attach point such as tracepoint:syscalls:sys_enter_read.
// Positional parameters ($1) and wildcards are kept as written; the compiler
// expands them.
type AttachPoint struct {
	At
	Label    string   // `name=` prefix, "" if none
	Raw      string   // the text as written, quotes included
	Provider string   // provider as written (case preserved), e.g. "t", "BEGIN"
	Parts    []string // the colon-separated components after the provider, unquoted
}

// Stmt is a statement.
type Stmt interface {
	Node
	stmtNode()
}

// Block is a `{ ... }` (or `< ... >`) statement list. Value is the trailing
// expression of a block used as an expression (macros, block expressions);
// nil otherwise.
type Block struct {
	At
	Stmts []Stmt
	Value Expr
}

// ExprStmt is an expression evaluated for its effect: a call, x++, ...
type ExprStmt struct {
	At
	X Expr
}

// AssignStmt is `target op value` with op one of = += -= *= /= %= &= |= ^= <<= >>=.
// Target is a *Var, *MapRef or *Ident("_") for the discard form.
type AssignStmt struct {
	At
	Target Expr
	Op     string
	Value  Expr
	// ByKey is set when the statement came from the declarative form
	// `AGG by KEY`; the map's keys are already in Target.
	ByKey bool
}

// LetStmt is `let $x [: type] [= value];`.
type LetStmt struct {
	At
	Var   *Var
	Type  *Type // nil when not annotated
	Value Expr  // nil when not initialised
}

// IfStmt is if / else if / else. Else is nil, a *Block or an *IfStmt.
type IfStmt struct {
	At
	Cond Expr
	Then *Block
	Else Stmt
}

// ForStmt is `for ($v : @map) {}` (Map set) or `for ($v : start..end) {}`
// (Start and End set).
type ForStmt struct {
	At
	Var   *Var
	Map   *MapRef
	Start Expr
	End   Expr
	Body  *Block
}

// WhileStmt is `while (cond) { }`.
type WhileStmt struct {
	At
	Cond Expr
	Body *Block
}

// UnrollStmt is `unroll(n) { }`.
type UnrollStmt struct {
	At
	Count Expr
	Body  *Block
}

// JumpKind distinguishes break, continue and return.
type JumpKind int

const (
	Break JumpKind = iota
	Continue
	Return
)

func (k JumpKind) String() string {
	return [...]string{"break", "continue", "return"}[k]
}

// JumpStmt is break, continue or return [value].
type JumpStmt struct {
	At
	Kind  JumpKind
	Value Expr // return value, nil if none
}

func (*Block) stmtNode()      {}
func (*ExprStmt) stmtNode()   {}
func (*AssignStmt) stmtNode() {}
func (*LetStmt) stmtNode()    {}
func (*IfStmt) stmtNode()     {}
func (*ForStmt) stmtNode()    {}
func (*WhileStmt) stmtNode()  {}
func (*UnrollStmt) stmtNode() {}
func (*JumpStmt) stmtNode()   {}

// Expr is an expression.
type Expr interface {
	Node
	exprNode()
}

// IntLit is an integer or duration literal. Value is the literal's value
// (durations in nanoseconds); Text is the literal as written.
type IntLit struct {
	At
	Value uint64
	Text  string
}

// BoolLit is true or false.
type BoolLit struct {
	At
	Value bool
}

// StringLit is a string literal; Value has escapes decoded.
type StringLit struct {
	At
	Value string
}

// Ident is a bare identifier: a builtin (pid, comm, args), an enum constant,
// a config value, a macro's expression parameter or a zero-argument macro.
type Ident struct {
	At
	Name string
}

// Var is a scratch variable `$name`.
type Var struct {
	At
	Name string // without '$'
}

// Positional is a positional parameter `$1` (Index 1), or `$#` (Count).
type Positional struct {
	At
	Index int
	Count bool
}

// MapRef is `@name`, `@name[k]` or `@name[k1, k2]`. Keys is nil for a map
// used without a key. Several keys are an implicit tuple.
type MapRef struct {
	At
	Name string // without '@'; "" for the unnamed map
	Keys []Expr
}

// Call is `name(args)`. Builtins written with call syntax (`pid()`),
// functions, aggregations and macro invocations are all Calls.
type Call struct {
	At
	Name string
	Args []Expr
}

// Binary is `X op Y` for op one of || && | ^ & == != < > <= >= << >> + - * / %.
type Binary struct {
	At
	Op string
	X  Expr
	Y  Expr
}

// Unary is a prefix `op X` for op one of - ! ~ * &.
type Unary struct {
	At
	Op string
	X  Expr
}

// IncDec is ++ or -- applied before (Post false) or after (Post true) X.
type IncDec struct {
	At
	Op   string // "++" or "--"
	Post bool
	X    Expr
}

// Ternary is `Cond ? Then : Else`; Then is nil for the short form `Cond ?: Else`.
type Ternary struct {
	At
	Cond Expr
	Then Expr
	Else Expr
}

// Field is `X.Name` or `X->Name` (Arrow). Tuple elements use a numeric
// Name: `$t.0`.
type Field struct {
	At
	X     Expr
	Name  string
	Arrow bool
}

// Index is `X[Index]`.
type Index struct {
	At
	X     Expr
	Index Expr
}

// Cast is `(Type)X`.
type Cast struct {
	At
	Type *Type
	X    Expr
}

// Tuple is `(a, b, ...)`; `(a,)` is a one-element tuple and `()` is empty.
type Tuple struct {
	At
	Elems []Expr
}

// Record is a named tuple `(name = value, ...)`.
type Record struct {
	At
	Fields []*RecordField
}

// RecordField is one `name = value` of a Record.
type RecordField struct {
	At
	Name  string
	Value Expr
}

// Sizeof is `sizeof(type)` or `sizeof(expr)`; exactly one of Type and X is set.
type Sizeof struct {
	At
	Type *Type
	X    Expr
}

// Offsetof is `offsetof(type, a.b.c)` or `offsetof(expr, a.b.c)`.
type Offsetof struct {
	At
	Type   *Type
	X      Expr
	Fields []string
}

// BlockExpr is a block used as an expression: `{ stmts; value }`.
type BlockExpr struct {
	At
	Block *Block
}

func (*IntLit) exprNode()     {}
func (*BoolLit) exprNode()    {}
func (*StringLit) exprNode()  {}
func (*Ident) exprNode()      {}
func (*Var) exprNode()        {}
func (*Positional) exprNode() {}
func (*MapRef) exprNode()     {}
func (*Call) exprNode()       {}
func (*Binary) exprNode()     {}
func (*Unary) exprNode()      {}
func (*IncDec) exprNode()     {}
func (*Ternary) exprNode()    {}
func (*Field) exprNode()      {}
func (*Index) exprNode()      {}
func (*Cast) exprNode()       {}
func (*Tuple) exprNode()      {}
func (*Record) exprNode()     {}
func (*Sizeof) exprNode()     {}
func (*Offsetof) exprNode()   {}
func (*BlockExpr) exprNode()  {}

// TypeSuffix is one postfix modifier of a type: a pointer `*`, or an array
// `[Len]`.
type TypeSuffix struct {
	Ptr bool
	Len int // array length when !Ptr
}

// Type is a type as written in a cast, let annotation, sizeof or offsetof:
// `uint32`, `struct task_struct *`, `int8[8]`, `string[64]`, `typeof($x)`.
// Suffixes apply left to right: `struct foo*[4]` is an array of 4 pointers.
type Type struct {
	At
	Name     string       // "uint32", "string", "struct task_struct", "union u", "enum e", "pid_t"
	Param    int          // parameterised size: string[64] -> 64 (0 if none)
	Suffixes []TypeSuffix // pointer and array modifiers
	Typeof   Expr         // set for typeof(expr); Name is then ""
	TypeofT  *Type        // set for typeof(type)
}
