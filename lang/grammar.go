package lang

import (
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

type gStmt struct {
	If     *gIf     `parser:"  @@"`
	For    *gFor    `parser:"| @@"`
	While  *gWhile  `parser:"| @@"`
	Unroll *gUnroll `parser:"| @@"`
	Block  *gBlock  `parser:"| @@"`
	Empty  bool     `parser:"| @\";\""`
	Simple *gSimple `parser:"| @@"`
}

// gSimple is a statement that needs a `parser:";"` before the next one.
type gSimple struct {
	Tokens []lexer.Token
	Jump   *gJump `parser:"( @@"`
	Let    *gLet  `parser:"| @@"`
	X      *gExpr `parser:"| @@"`
	Op     string `parser:"  ( @Assign"`
	Value  *gExpr `parser:"    @@ )?"`
	By     *gExpr `parser:"  ( \"by\" @@ )? )"`
	Semi   bool   `parser:"@\";\"?"`
}

type gJump struct {
	Tokens []lexer.Token
	Kind   string `parser:"@( \"break\" | \"continue\" | \"return\" )"`
	Value  *gExpr `parser:"@@?"`
}

type gLet struct {
	Tokens []lexer.Token
	Var    string `parser:"\"let\" @Var"`
	Type   *gType `parser:"( \":\" @@ )?"`
	Value  *gExpr `parser:"( \"=\" @@ )?"`
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

// gExpr is a conditional expression; Then is nil in the short `parser:"a ?: b"`.
type gExpr struct {
	Cond *gBinary  `parser:"@@"`
	Tern *gTernary `parser:"@@?"`
}

type gTernary struct {
	Then *gExpr `parser:"\"?\" @@?"`
	Else *gExpr `parser:"\":\" @@"`
}

type gBinary struct {
	X    *gUnary   `parser:"@@"`
	Rest []*gBinOp `parser:"@@*"`
}

type gBinOp struct {
	Op string  `parser:"@Op"`
	Y  *gUnary `parser:"@@"`
}

type gUnary struct {
	Tokens []lexer.Token
	Op     string    `parser:"( @( \"-\" | \"!\" | \"~\" | \"*\" | \"&\" | \"++\" | \"--\" )"`
	X      *gUnary   `parser:"  @@"`
	Cast   *gCast    `parser:"| @@"`
	Post   *gPostfix `parser:"| @@ )"`
}

type gCast struct {
	Tokens []lexer.Token
	Type   *gType  `parser:"TypeParen @@ \")\""`
	X      *gUnary `parser:"@@"`
}

type gPostfix struct {
	X   *gPrimary  `parser:"@@"`
	Ops []*gPostOp `parser:"@@*"`
}

type gPostOp struct {
	Tokens []lexer.Token
	Arrow  bool   `parser:"( ( \".\" | @\"->\" )"`
	Field  string `parser:"  @( Ident | Keyword | Int )"`
	Index  *gExpr `parser:"| \"[\" @@ \"]\""`
	IncDec string `parser:"| @( \"++\" | \"--\" ) )"`
}

type gPrimary struct {
	Tokens   []lexer.Token
	Int      *string    `parser:"  @Int"`
	Str      *string    `parser:"| @String"`
	Bool     *string    `parser:"| @( \"true\" | \"false\" )"`
	Var      *string    `parser:"| @Var"`
	Pos      *string    `parser:"| @Positional"`
	Map      *gMap      `parser:"| @@"`
	Sizeof   *gSizeof   `parser:"| @@"`
	Offsetof *gOffsetof `parser:"| @@"`
	Call     *gCall     `parser:"| @@"`
	Config   bool       `parser:"| @\"config\""`
	Paren    *gParen    `parser:"| @@"`
	Block    *gBlock    `parser:"| @@"`
}

type gCall struct {
	Name string `parser:"@Ident"`
	Args *gArgs `parser:"@@?"`
}

type gArgs struct {
	Tokens []lexer.Token
	List   []*gExpr `parser:"\"(\" ( @@ ( \",\" @@ )* )? \")\""`
}

type gMap struct {
	Tokens []lexer.Token
	Name   string   `parser:"@MapName"`
	Keys   []*gExpr `parser:"( \"[\" @@ ( \",\" @@ )* \"]\" )?"`
}

type gParen struct {
	Tokens []lexer.Token
	Elems  []*gElem `parser:"\"(\" @@* \")\""`
}

// gElem is a tuple element or, with a name, a record field.
type gElem struct {
	Tokens []lexer.Token
	Name   string `parser:"( (?= Ident \"=\") @Ident \"=\" )?"`
	Value  *gExpr `parser:"@@"`
	Comma  bool   `parser:"@\",\"?"`
}

type gSizeof struct {
	Tokens []lexer.Token
	Type   *gType `parser:"\"sizeof\" ( TypeParen @@ \")\""`
	X      *gExpr `parser:"| \"(\" @@ \")\" )"`
}

type gOffsetof struct {
	Tokens []lexer.Token
	Type   *gType   `parser:"\"offsetof\" ( TypeParen @@"`
	X      *gExpr   `parser:"| \"(\" @@ )"`
	Fields []string `parser:"\",\" @( Ident | Keyword ) ( \".\" @( Ident | Keyword ) )* \")\""`
}

type gType struct {
	Tokens   []lexer.Token
	Typeof   *gTypeof   `parser:"( @@"`
	Kind     string     `parser:"| @( \"struct\" | \"union\" | \"enum\" )?"`
	Name     string     `parser:"  @Ident )"`
	Suffixes []*gSuffix `parser:"@@*"`
}

type gSuffix struct {
	Ptr bool    `parser:"( @\"*\""`
	Len *string `parser:"| \"[\" @Int \"]\" )"`
}

type gTypeof struct {
	Tokens []lexer.Token
	Type   *gType `parser:"\"typeof\" ( TypeParen @@ \")\""`
	X      *gExpr `parser:"| \"(\" @@ \")\" )"`
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
	Name   string `parser:"\"let\" @MapName \"=\""`
	Kind   string `parser:"@Ident"`
	Args   *gArgs `parser:"@@ \";\""`
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

var (
	probeParser   = build[gProbe]()
	configParser  = build[gConfig]()
	importParser  = build[gImport]()
	macroParser   = build[gMacro]()
	mapDeclParser = build[gMapDecl]()
	exprParser    = build[exprRoot]()
)
