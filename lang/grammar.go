package lang

import (
	"sync"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The participle grammar. Each root construct has its own parser, since
// the scanner already split the input into items. These structs never
// leave the package: lower.go turns them into ast nodes. A Tokens field
// gives a node's span; binary operators are parsed as a flat list and
// arranged by precedence in lowering, which keeps participle's recursion
// shallow and fast.

type gProbe struct {
	Tokens []lexer.Token
	Attach []*gAttach `parser:"@@ ( \",\" @@ )*"`
	Pred   *gExpr     `parser:"( PredOpen @@ PredClose )?"`
	Body   *gBlock    `parser:"( @@"`
	Decl   *gDecl     `parser:"| @@ )"`
}

type gAttach struct {
	Tokens []lexer.Token
	Text   string `parser:"@Attach"`
}

type gBlock struct {
	Tokens []lexer.Token
	Stmts  []*gStmt `parser:"\"{\" @@* \"}\""`
}

type gDecl struct {
	Tokens []lexer.Token
	Stmts  []*gStmt `parser:"DeclOpen @@* DeclClose"`
}

// gStmt lists the common case first: every alternative tried costs
// participle a heap-allocated branch.
type gStmt struct {
	Simple *gSimple `parser:"  @@"`
	If     *gIf     `parser:"| @@"`
	For    *gFor    `parser:"| @@"`
	Block  *gBlock  `parser:"| @@"`
	Empty  bool     `parser:"| @\";\""`
	While  *gWhile  `parser:"| @@"`
	Unroll *gUnroll `parser:"| @@"`
}

type gIf struct {
	Tokens []lexer.Token
	Cond   *gExpr  `parser:"\"if\" @@"`
	Then   *gBlock `parser:"@@"`
	ElseIf *gIf    `parser:"( \"else\" ( @@"`
	Else   *gBlock `parser:"| @@ ) )?"`
}

type gFor struct {
	Tokens []lexer.Token
	Head   *gForHead `parser:"\"for\" ( \"(\" @@ \")\" | @@ )"`
	Body   *gBlock   `parser:"@@"`
}

type gForHead struct {
	Var string `parser:"@Var \":\""`
	X   *gExpr `parser:"@@"`
	End *gExpr `parser:"( \"..\" @@ )?"`
}

type gWhile struct {
	Tokens []lexer.Token
	Cond   *gExpr  `parser:"\"while\" @@"`
	Body   *gBlock `parser:"@@"`
}

type gUnroll struct {
	Tokens []lexer.Token
	Count  *gExpr  `parser:"\"unroll\" \"(\" @@ \")\""`
	Body   *gBlock `parser:"@@"`
}

type gConfig struct {
	Tokens []lexer.Token
	Items  []*gConfigItem `parser:"\"config\" \"=\" \"{\" ( @@ ( \";\" @@? )* )? \"}\" \";\"?"`
}

type gConfigItem struct {
	Tokens []lexer.Token
	Name   string `parser:"@Ident \"=\""`
	Value  *gExpr `parser:"@@"`
}

type gImport struct {
	Tokens []lexer.Token
	Path   string `parser:"\"import\" @String \";\""`
}

type gMacro struct {
	Tokens []lexer.Token
	Name   string    `parser:"\"macro\" @Ident \"(\""`
	Params []*gParam `parser:"( @@ ( \",\" @@ )* )? \")\""`
	Body   *gBlock   `parser:"@@ \";\"?"`
}

type gParam struct {
	Tokens []lexer.Token
	Name   string `parser:"@( Ident | Var | MapName )"`
}

type gMapDecl struct {
	Tokens []lexer.Token
	Name   string   `parser:"\"let\" @MapName \"=\""`
	Kind   string   `parser:"@Ident \"(\""`
	Args   []*gExpr `parser:"( @@ ( \",\" @@ )* )? \")\" \";\""`
}

// exprRoot lets tests parse a lone expression.
type exprRoot struct {
	X *gExpr `parser:"@@"`
}

func build[G any]() *participle.Parser[G] {
	// No lookahead: once a construct has consumed a token it is
	// committed, so errors point at the token that is wrong rather than
	// at where participle last backtracked to.
	return participle.MustBuild[G](participle.Lexer(tokenDef{}), participle.UseLookahead(0))
}

// The parsers are built on first use: building one costs up to half a
// millisecond, and most scripts need only the probe parser.
var (
	probeParser   = sync.OnceValue(build[gProbe])
	configParser  = sync.OnceValue(build[gConfig])
	importParser  = sync.OnceValue(build[gImport])
	macroParser   = sync.OnceValue(build[gMacro])
	mapDeclParser = sync.OnceValue(build[gMapDecl])
	exprParser    = sync.OnceValue(build[exprRoot])
	blockParser   = sync.OnceValue(build[gBlock])
)
