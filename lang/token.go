package lang

import (
	"errors"
	"io"

	"github.com/alecthomas/participle/v2/lexer"
)

// Token types produced by the scanner. The grammar matches most
// punctuation by value; these types exist where the value alone is
// ambiguous: the `/` that closes a predicate is not a division, the `>`
// that closes a declarative block is not a comparison, and the `(` that
// opens a cast is not a parenthesised expression.
const (
	tIdent lexer.TokenType = iota + 1
	tKeyword
	tInt
	tString
	tVar        // $name
	tPositional // $1, $#
	tMapName    // @, @name
	tAttach     // a whole attach point: kprobe:vfs_*
	tOp         // binary operator
	tAssign     // = += -= ...
	tPunct      // everything else
	tPredOpen   // `/` opening a predicate
	tPredClose  // `/` closing a predicate
	tDeclOpen   // `<` opening a declarative block
	tDeclClose  // `>` closing a declarative block
	tTypeParen  // `(` that opens a type: a cast, sizeof(T), offsetof(T, f)
	tCDecl      // a C type definition at the root, kept as text
	tItemEnd    // ends each root item: the grammar never matches it
)

// symbols is a function, not a variable: the parsers are built during
// package initialisation, before a map variable would be guaranteed set.
func symbols() map[string]lexer.TokenType {
	return map[string]lexer.TokenType{
		"EOF":        lexer.EOF,
		"Ident":      tIdent,
		"Keyword":    tKeyword,
		"Int":        tInt,
		"String":     tString,
		"Var":        tVar,
		"Positional": tPositional,
		"MapName":    tMapName,
		"Attach":     tAttach,
		"Op":         tOp,
		"Assign":     tAssign,
		"Punct":      tPunct,
		"PredOpen":   tPredOpen,
		"PredClose":  tPredClose,
		"DeclOpen":   tDeclOpen,
		"DeclClose":  tDeclClose,
		"TypeParen":  tTypeParen,
		"CDecl":      tCDecl,
		"ItemEnd":    tItemEnd,
	}
}

var keywords = map[string]bool{
	"break": true, "config": true, "continue": true, "else": true, "for": true,
	"if": true, "import": true, "let": true, "macro": true, "offsetof": true,
	"return": true, "sizeof": true, "unroll": true, "while": true, "typeof": true,
	"true": true, "false": true, "fn": true, "comptime": true,
	"struct": true, "union": true, "enum": true,
}

// binaryOps are the tokens the scanner types as tOp.
var binaryOps = map[string]bool{
	"||": true, "&&": true, "|": true, "^": true, "&": true, "==": true, "!=": true,
	"<": true, ">": true, "<=": true, ">=": true, "<<": true, ">>": true,
	"+": true, "-": true, "*": true, "/": true, "%": true,
}

var assignOps = map[string]bool{
	"=": true, "+=": true, "-=": true, "*=": true, "/=": true, "%=": true,
	"&=": true, "|=": true, "^=": true, "<<=": true, ">>=": true,
}

// tokenDef is the participle lexer definition. The scanner runs before
// participle (it needs modes participle's lexers lack), so Lex is only
// here to satisfy the interface.
type tokenDef struct{}

func (tokenDef) Symbols() map[string]lexer.TokenType { return symbols() }

func (tokenDef) Lex(string, io.Reader) (lexer.Lexer, error) {
	return nil, errors.New("lang: use the sonde scanner")
}

// sliceLexer feeds already scanned tokens to participle.
type sliceLexer struct {
	toks []lexer.Token
	eof  lexer.Token
	i    int
}

func (l *sliceLexer) Next() (lexer.Token, error) {
	if l.i >= len(l.toks) {
		return l.eof, nil
	}
	l.i++
	return l.toks[l.i-1], nil
}
