package lang

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"sonde/lang/ast"
	"sonde/lang/diag"
	"sonde/provider"
)

// Limits that keep hostile input from exhausting the stack: the parser
// recurses once per nesting level.
const (
	maxNesting = 200  // brackets, braces and blocks
	maxRun     = 1000 // prefix operators in a row, `?` per statement, `else` per probe
)

// item is one root-level construct (a probe, config block, macro, ...)
// as a range of tokens. Items are parsed separately, so an error in one
// does not hide errors in the next.
type item struct {
	start, end int  // token indexes [start, end)
	bad        bool // the scanner reported an error inside; don't parse
}

type opener struct {
	c   byte // ( [ { or < for a declarative block
	pos lexer.Position
}

// scanner turns source text into tokens. It is hand-written because the
// language is modal: attach points are not made of ordinary tokens
// (`uprobe:/bin/bash:readline`), `/` may close a predicate, and `>` may
// close a declarative block. It also runs the preprocessor, so tokens
// always carry positions in the original text.
type scanner struct {
	file      string
	src       []byte
	text      string // src as a string: token values are substrings of it
	i         int    // current offset
	line      int    // line of offset i
	lineStart int    // offset where that line starts

	// toks holds the tokens of the item being scanned (and, once parsing
	// starts, every token: see Parse). base is the index of toks[0] in
	// the whole stream.
	toks    []lexer.Token
	base    int
	next    int // next token of toks to hand out
	done    bool
	items   []item
	errs    diag.List
	shebang string

	// ends records where multi-line C declarations end, by offset.
	ends map[int]ast.Pos

	stack     []opener
	itemBad   bool
	itemStart int // first token of the current item
	opRun     int // prefix operators in a row
	questions int // `?` in the current statement
	elses     int // `else` in the current item

	pp preproc
}

func newScanner(file string, src []byte) *scanner {
	return &scanner{file: file, src: src, text: string(src), line: 1, ends: map[int]ast.Pos{}, pp: newPreproc(),
		toks: make([]lexer.Token, 0, 256)}
}

// start handles a shebang line and the directives before the first token.
func (s *scanner) start() {
	if bytes.HasPrefix(s.src, []byte("#!")) {
		end := bytes.IndexByte(s.src, '\n')
		if end < 0 {
			end = len(s.src)
		}
		s.shebang = strings.TrimRight(string(s.src[:end]), "\r")
		s.i = end
	} else {
		s.lineBegin()
	}
}

// Next implements participle's lexer.Lexer. Items are scanned on
// demand, one at a time, so each token is stored once: in participle's
// PeekingLexer. Each item's tokens end with a tItemEnd.
func (s *scanner) Next() (lexer.Token, error) {
	for s.next >= len(s.toks) {
		if s.done {
			return lexer.EOFToken(s.pos(len(s.src))), nil
		}
		s.base += len(s.toks)
		s.toks, s.next = s.toks[:0], 0
		s.skipSpace()
		if s.eof() {
			s.done = true
			s.pp.finish(s)
			continue
		}
		s.topItem()
	}
	s.next++
	return s.toks[s.next-1], nil
}

func (s *scanner) eof() bool { return s.i >= len(s.src) }

func (s *scanner) peek(k int) byte {
	if s.i+k < len(s.src) {
		return s.src[s.i+k]
	}
	return 0
}

// pos returns the position of offset off, which must be on the current line.
func (s *scanner) pos(off int) lexer.Position {
	return lexer.Position{Filename: s.file, Offset: off, Line: s.line, Column: off - s.lineStart + 1}
}

func (s *scanner) astPos(p lexer.Position) ast.Pos {
	return ast.Pos{File: s.file, Line: p.Line, Col: p.Column, Offset: p.Offset}
}

// newline records that the byte before s.i was a '\n'.
func (s *scanner) newline() {
	s.line++
	s.lineStart = s.i
}

// errorf reports an error spanning n bytes at p and marks the current
// item as not worth parsing.
func (s *scanner) errorf(p lexer.Position, n int, format string, args ...any) *diag.Diagnostic {
	start := s.astPos(p)
	end := start
	end.Col += n
	end.Offset += n
	s.itemBad = true
	return s.errs.Errorf(ast.Span{Start: start, End: end}, format, args...)
}

func (s *scanner) emit(typ lexer.TokenType, start, end int) {
	s.emitValue(typ, s.text[start:end], s.pos(start))
}

func (s *scanner) emitValue(typ lexer.TokenType, val string, p lexer.Position) {
	s.toks = append(s.toks, lexer.Token{Type: typ, Value: val, Pos: p})
	switch {
	case typ == tOp || val == "!" || val == "~" || val == "++" || val == "--":
		if s.opRun++; s.opRun == maxRun {
			s.errorf(p, len(val), "too many operators in a row (more than %d)", maxRun)
		}
	case val == "?":
		if s.questions++; s.questions == maxRun {
			s.errorf(p, 1, "too many `?:` in one statement (more than %d)", maxRun)
		}
	case val == ";" || val == "{" || val == "}":
		s.questions, s.opRun = 0, 0
	case typ == tKeyword && val == "else":
		if s.elses++; s.elses == maxRun {
			s.errorf(p, 4, "too many `else` branches (more than %d)", maxRun)
		}
	default:
		s.opRun = 0
	}
}

// skipSpace skips blanks, newlines, comments and preprocessor lines.
func (s *scanner) skipSpace() {
	for !s.eof() {
		switch c := s.src[s.i]; {
		case c == '\n':
			s.i++
			s.newline()
			s.lineBegin()
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			s.i++
		case c == '/' && s.peek(1) == '/':
			s.skipLineComment()
		case c == '/' && s.peek(1) == '*':
			s.skipBlockComment()
		default:
			return
		}
	}
}

// skipInline skips blanks and comments but stops at a newline.
func (s *scanner) skipInline() {
	for !s.eof() {
		switch c := s.src[s.i]; {
		case c == ' ' || c == '\t' || c == '\r':
			s.i++
		case c == '/' && s.peek(1) == '/':
			s.skipLineComment()
		case c == '/' && s.peek(1) == '*':
			s.skipBlockComment()
		default:
			return
		}
	}
}

func (s *scanner) skipLineComment() {
	if j := bytes.IndexByte(s.src[s.i:], '\n'); j >= 0 {
		s.i += j
	} else {
		s.i = len(s.src)
	}
}

func (s *scanner) skipBlockComment() {
	start := s.pos(s.i)
	s.i += 2
	for !s.eof() {
		if s.src[s.i] == '*' && s.peek(1) == '/' {
			s.i += 2
			return
		}
		s.i++
		if s.src[s.i-1] == '\n' {
			s.newline()
		}
	}
	s.errorf(start, 2, "unterminated comment")
}

// topItem scans one root-level construct.
func (s *scanner) topItem() {
	s.itemStart = len(s.toks) // 0: the buffer holds one item
	s.itemBad = false
	s.stack = s.stack[:0]
	s.opRun, s.questions, s.elses = 0, 0, 0
	switch w := s.word(s.i); {
	case w == "config" || w == "macro" || w == "fn" || w == "let":
		s.lexItem(false)
	case w == "import":
		s.lexItem(true)
	case w == "struct" || w == "union" || w == "enum" || w == "typedef":
		s.lexCDecl()
	case w != "" || s.positionalAt(s.i):
		s.lexProbe()
	default:
		s.lexItem(true) // not a construct; the parser says what is wrong
	}
	if len(s.stack) > 0 && s.eof() {
		s.unclosed()
	}
	s.items = append(s.items, item{start: s.base + s.itemStart, end: s.base + len(s.toks), bad: s.itemBad})
	end := s.pos(s.i)
	if n := len(s.toks); n > s.itemStart {
		end = s.tokEnd(s.toks[n-1])
	}
	s.toks = append(s.toks, lexer.Token{Type: tItemEnd, Pos: end})
}

// unclosed reports the innermost bracket still open at the end of input.
func (s *scanner) unclosed() {
	o := s.stack[len(s.stack)-1]
	p := s.pos(s.i)
	if n := len(s.toks); n > s.itemStart {
		p = s.tokEnd(s.toks[n-1])
	}
	s.errorf(p, 1, "expected `%s` to close the %s opened at %d:%d", closerOf(o.c), openerName(o.c), o.pos.Line, o.pos.Column)
}

// tokEnd returns the position just after t.
func (s *scanner) tokEnd(t lexer.Token) lexer.Position {
	if e, ok := s.ends[t.Pos.Offset]; ok && t.Type == tCDecl {
		return lexer.Position{Filename: s.file, Offset: e.Offset, Line: e.Line, Column: e.Col}
	}
	p := t.Pos
	p.Offset += len(t.Value)
	p.Column += len(t.Value)
	return p
}

// positionalAt tells whether a positional parameter ($1) starts at off: a
// probe whose attach point is a parameter.
func (s *scanner) positionalAt(off int) bool {
	return off+1 < len(s.src) && s.src[off] == '$' && isDigit(s.src[off+1])
}

// word returns the identifier starting at off, or "".
func (s *scanner) word(off int) string {
	j := off
	for j < len(s.src) && (isIdentStart(s.src[j]) || (j > off && isDigit(s.src[j]))) {
		j++
	}
	return s.text[off:j]
}

// lexItem scans ordinary tokens up to a `;` or a closing `}` at depth 0;
// with eol, the end of the line also ends it.
func (s *scanner) lexItem(eol bool) {
	for {
		if eol && len(s.stack) == 0 && len(s.toks) > s.itemStart {
			s.skipInline()
			if s.eof() || s.src[s.i] == '\n' {
				return
			}
		}
		s.skipSpace()
		if s.eof() {
			return
		}
		c := s.src[s.i]
		depth := len(s.stack)
		s.lexToken()
		if len(s.stack) == 0 && (c == ';' || (c == '}' && depth > 0)) {
			s.optionalSemi()
			return
		}
		if depth == 0 && (c == '}' || c == ')' || c == ']') {
			return // a stray closer, already reported
		}
	}
}

// optionalSemi consumes a `;` following a block on the same line.
func (s *scanner) optionalSemi() {
	save := s.i
	s.skipInline()
	if !s.eof() && s.src[s.i] == ';' {
		s.emit(tPunct, s.i, s.i+1)
		s.i++
		return
	}
	s.i = save
}

// lexProbe scans attach points, an optional predicate and a body.
func (s *scanner) lexProbe() {
	for {
		s.lexAttach()
		line := s.line
		s.skipSpace()
		if !s.eof() && s.line == line && isIdentStart(s.src[s.i]) {
			continue // a missing comma; the parser says so
		}
		if s.eof() || s.src[s.i] != ',' {
			break
		}
		s.emit(tPunct, s.i, s.i+1)
		s.i++
		s.skipSpace()
		if s.eof() || !(isIdentStart(s.src[s.i]) || s.src[s.i] == '"' || s.positionalAt(s.i)) {
			break
		}
	}
	if !s.eof() && s.src[s.i] == '/' {
		s.lexPredicate()
		s.skipSpace()
	}
	if s.eof() {
		return
	}
	switch s.src[s.i] {
	case '{':
		s.lexToken()
		for len(s.stack) > 0 {
			s.skipSpace()
			if s.eof() {
				return
			}
			s.lexToken()
		}
	case '<':
		s.lexDeclarative()
	}
}

// userBinary tells whether the attach point so far, up to its second
// component, names a user-space provider: that component is then a
// binary, whose relative path (testprogs/app) may hold a `/`.
func userBinary(head []byte) bool {
	if bytes.Count(head, []byte(":")) != 1 {
		return false
	}
	d, ok := provider.Lookup(string(head[:len(head)-1]))
	return ok && (d.Expand == provider.ExpandELF || d.Expand == provider.ExpandUSDT)
}

// lexAttach scans one attach point as a single token. Components are
// separated by `:`; a `/` belongs to the attach point only inside a path
// (a component starting with `/` or `.`, or already holding a `/`), so
// `kprobe:f/arg0/` still has a predicate.
func (s *scanner) lexAttach() {
	start := s.i
	j, comp := s.i, s.i
loop:
	for j < len(s.src) {
		switch c := s.src[j]; {
		case c == '"':
			k := j + 1
			for k < len(s.src) && s.src[k] != '"' && s.src[k] != '\n' {
				if s.src[k] == '\\' {
					k++
				}
				k++
			}
			if k >= len(s.src) || s.src[k] != '"' {
				s.errorf(s.pos(j), 1, "unterminated string")
				j = min(k, len(s.src))
				break loop
			}
			j = k + 1
		case c == ':':
			j++
			comp = j
		case c <= ' ' || strings.IndexByte(",{}<>;()", c) >= 0:
			break loop
		case c == '/':
			part := s.src[comp:j]
			if len(part) == 0 || part[0] == '.' || bytes.IndexByte(part, '/') >= 0 || part[len(part)-1] == '!' ||
				userBinary(s.src[start:comp]) {
				j++
				continue
			}
			break loop
		default:
			j++
		}
	}
	s.emit(tAttach, start, j)
	s.i = j
}

// lexPredicate scans `/ expr /`. The closing slash is the first `/` at
// the predicate's own depth that is followed by the body, so division
// works inside predicates.
func (s *scanner) lexPredicate() {
	open := s.pos(s.i)
	s.emitValue(tPredOpen, "/", open)
	s.i++
	base := len(s.stack)
	for {
		s.skipSpace()
		if s.eof() {
			s.errorf(s.pos(s.i), 1, "expected `/` to close the predicate opened at %d:%d", open.Line, open.Column)
			return
		}
		c := s.src[s.i]
		if len(s.stack) == base {
			if c == '/' && s.predicateEndsAt(s.i+1) {
				s.emitValue(tPredClose, "/", s.pos(s.i))
				s.i++
				return
			}
			if c == '{' || c == '}' || c == ';' {
				s.errorf(s.pos(s.i), 1, "expected `/` to close the predicate opened at %d:%d", open.Line, open.Column)
				return
			}
		}
		s.lexToken()
	}
}

// predicateEndsAt reports whether only blanks and comments separate off
// from a probe body (or the end of input).
func (s *scanner) predicateEndsAt(off int) bool {
	for off < len(s.src) {
		switch c := s.src[off]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			off++
		case c == '/' && off+1 < len(s.src) && s.src[off+1] == '*':
			end := bytes.Index(s.src[off+2:], []byte("*/"))
			if end < 0 {
				return true
			}
			off += end + 4
		default:
			return c == '{' || c == '<'
		}
	}
	return true
}

// lexDeclarative scans `< statements >`. A lone `>` at the block's own
// depth closes it; `>=`, `>>` and `>>=` never do, and a comparison
// inside parentheses or brackets is not at the block's depth.
func (s *scanner) lexDeclarative() {
	s.push('<', s.pos(s.i))
	s.emit(tDeclOpen, s.i, s.i+1)
	s.i++
	for {
		s.skipSpace()
		if s.eof() {
			return
		}
		if s.src[s.i] == '>' && s.stack[len(s.stack)-1].c == '<' && s.peek(1) != '>' && s.peek(1) != '=' {
			s.emit(tDeclClose, s.i, s.i+1)
			s.i++
			s.stack = s.stack[:len(s.stack)-1]
			return
		}
		s.lexToken()
		if len(s.stack) == 0 {
			return // a mismatched closer ended the block; already reported
		}
	}
}

// lexCDecl keeps a root C definition (`struct S { int x; };`) as one
// token: its body is C, not sonde.
func (s *scanner) lexCDecl() {
	start, p := s.i, s.pos(s.i)
	depth := 0
	for !s.eof() {
		c := s.src[s.i]
		s.i++
		switch c {
		case '\n':
			s.newline()
		case '{':
			depth++
		case '}':
			if depth--; depth == 0 {
				s.optionalSemiRaw()
				s.finishCDecl(start, p)
				return
			}
		case ';':
			if depth == 0 {
				s.finishCDecl(start, p)
				return
			}
		}
	}
	s.errorf(p, len(s.word(start)), "unterminated C definition")
	s.finishCDecl(start, p)
}

func (s *scanner) optionalSemiRaw() {
	j := s.i
	for j < len(s.src) && (s.src[j] == ' ' || s.src[j] == '\t') {
		j++
	}
	if j < len(s.src) && s.src[j] == ';' {
		s.i = j + 1
	}
}

func (s *scanner) finishCDecl(start int, p lexer.Position) {
	s.toks = append(s.toks, lexer.Token{Type: tCDecl, Value: s.text[start:s.i], Pos: p})
	s.ends[p.Offset] = s.astPos(s.pos(s.i))
}

func (s *scanner) push(c byte, p lexer.Position) {
	if len(s.stack) == maxNesting {
		s.errorf(p, 1, "nesting is too deep (more than %d levels)", maxNesting)
	}
	s.stack = append(s.stack, opener{c, p})
}

// pop handles a closing bracket.
func (s *scanner) pop(c byte, p lexer.Position) {
	want := openerOf(c)
	for k := len(s.stack) - 1; k >= 0; k-- {
		if s.stack[k].c != want {
			continue
		}
		if k != len(s.stack)-1 {
			o := s.stack[len(s.stack)-1]
			s.errorf(p, 1, "expected `%s` to close the %s opened at %d:%d", closerOf(o.c), openerName(o.c), o.pos.Line, o.pos.Column)
		}
		s.stack = s.stack[:k]
		return
	}
	s.errorf(p, 1, "unexpected `%c`", c)
}

// semicolon reports a `;` inside parentheses or brackets, which cannot
// hold one: the bracket is unclosed, and the `;` is the first token that
// cannot continue it (a later `}` would point past the mistake). The
// brackets are dropped so the rest of the block scans as written.
func (s *scanner) semicolon(p lexer.Position) {
	k := len(s.stack)
	for k > 0 && (s.stack[k-1].c == '(' || s.stack[k-1].c == '[') {
		k--
	}
	if k == len(s.stack) {
		return
	}
	o := s.stack[len(s.stack)-1]
	s.errorf(p, 1, "expected `%s` to close the %s opened at %d:%d", closerOf(o.c), openerName(o.c), o.pos.Line, o.pos.Column)
	s.stack = s.stack[:k]
}

func openerOf(c byte) byte {
	switch c {
	case ')':
		return '('
	case ']':
		return '['
	}
	return '{'
}

func closerOf(c byte) string {
	switch c {
	case '(':
		return ")"
	case '[':
		return "]"
	case '<':
		return ">"
	}
	return "}"
}

func openerName(c byte) string {
	switch c {
	case '(':
		return "parenthesis"
	case '[':
		return "bracket"
	case '<':
		return "declarative block"
	}
	return "block"
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isIdentChar(c byte) bool { return isIdentStart(c) || isDigit(c) }

// operators, longest first within each length.
var ops3 = []string{"<<=", ">>="}
var ops2 = []string{"->", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
	"<<", ">>", "<=", ">=", "==", "!=", "&&", "||", ".."}

// lexToken scans one ordinary token at s.i (which is not a blank).
func (s *scanner) lexToken() {
	start := s.i
	p := s.pos(start)
	c := s.src[start]
	switch {
	case isIdentStart(c):
		w := s.word(start)
		s.i += len(w)
		if s.pp.expand(s, w, p) {
			return
		}
		if keywords[w] {
			s.emit(tKeyword, start, s.i)
		} else {
			s.emit(tIdent, start, s.i)
		}
	case isDigit(c):
		s.i++
		for !s.eof() && isIdentChar(s.src[s.i]) {
			s.i++
		}
		// Take in what would make it a float (1.5, 1e-3), so the error
		// says floating point rather than something stranger. After a
		// `.` the number is a tuple index: $t.0.1.
		afterDot := len(s.toks) > 0 && s.toks[len(s.toks)-1].Value == "."
		if e := s.src[s.i-1]; (e == 'e' || e == 'E') && (s.peek(0) == '-' || s.peek(0) == '+') && isDigit(s.peek(1)) ||
			!afterDot && s.peek(0) == '.' && isDigit(s.peek(1)) {
			s.i++
			for !s.eof() && (isIdentChar(s.src[s.i]) || s.src[s.i] == '.') {
				s.i++
			}
		}
		s.emit(tInt, start, s.i)
	case c == '"':
		s.lexString()
	case c == '\'':
		end := bytes.IndexByte(s.src[start+1:], '\'')
		n := 1
		if nl := bytes.IndexByte(s.src[start+1:], '\n'); end >= 0 && (nl < 0 || end < nl) {
			n = end + 2
		}
		s.errorf(p, n, "character literals are not supported; use the character's code (65 for 'A') or a string")
		s.i += n
	case c == '$':
		s.i++
		switch {
		case s.peek(0) == '#':
			s.i++
			s.emit(tPositional, start, s.i)
		case isDigit(s.peek(0)):
			for !s.eof() && isDigit(s.src[s.i]) {
				s.i++
			}
			s.emit(tPositional, start, s.i)
		case isIdentStart(s.peek(0)):
			s.i += len(s.word(s.i))
			s.emit(tVar, start, s.i)
		default:
			s.errorf(p, 1, "expected a variable name after `$`")
		}
	case c == '@':
		s.i++
		for !s.eof() && isIdentChar(s.src[s.i]) {
			s.i++
		}
		if s.i > start+1 && isDigit(s.src[start+1]) {
			// As in bpftrace (and C identifiers): not `@1x`.
			s.errorf(p, s.i-start, "invalid map name `%s`: a map name starts with a letter or `_`", s.text[start:s.i])
		}
		s.emit(tMapName, start, s.i)
	case c == '(' || c == '[' || c == '{':
		s.push(c, p)
		typ := tPunct
		if c == '(' {
			typ = s.parenKind(start)
		}
		s.i++
		s.emit(typ, start, s.i)
	case c == ')' || c == ']' || c == '}':
		s.pop(c, p)
		s.i++
		s.emit(tPunct, start, s.i)
	case c == ';':
		s.semicolon(p)
		s.lexOperator(c, p)
	default:
		s.lexOperator(c, p)
	}
}

func (s *scanner) lexOperator(c byte, p lexer.Position) {
	start := s.i
	rest := s.text[start:min(len(s.text), start+3)]
	op := ""
	for _, list := range [][]string{ops3, ops2} {
		for _, o := range list {
			if strings.HasPrefix(rest, o) {
				op = o
				break
			}
		}
		if op != "" {
			break
		}
	}
	if op == "" && strings.IndexByte("+-*/%&|^!~<>=?:;,.", c) >= 0 {
		op = rest[:1]
	}
	if op == "" {
		if c >= 0x80 {
			s.errorf(p, 1, "unexpected non-ASCII character")
		} else if c < ' ' || c == 0x7f {
			s.errorf(p, 1, "unexpected control character %#02x", c)
		} else {
			s.errorf(p, 1, "unexpected character `%c`", c)
		}
		s.i++
		return
	}
	s.i += len(op)
	switch {
	case binaryOps[op]:
		s.emit(tOp, start, s.i)
	case assignOps[op]:
		s.emit(tAssign, start, s.i)
	default:
		s.emit(tPunct, start, s.i)
	}
}

// lexString scans a string literal; escapes are decoded later.
func (s *scanner) lexString() {
	start := s.i
	j := start + 1
	for j < len(s.src) && s.src[j] != '"' && s.src[j] != '\n' {
		if s.src[j] == '\\' && j+1 < len(s.src) && s.src[j+1] != '\n' {
			j++
		}
		j++
	}
	if j >= len(s.src) || s.src[j] != '"' {
		s.errorf(s.pos(start), 1, "unterminated string")
		s.i = j
		s.emit(tString, start, j)
		return
	}
	s.i = j + 1
	s.emit(tString, start, s.i)
}

// parenKind decides whether the `(` at off opens a type (a cast or the
// type operand of sizeof/offsetof/typeof) or an expression. As in
// bpftrace, `(ident)` followed by something that starts an expression is
// a cast, unless ident is a builtin: `(pid)*tid` multiplies.
func (s *scanner) parenKind(off int) lexer.TokenType {
	mode := "cast"
	if n := len(s.toks); n > s.itemStart {
		prev := s.toks[n-1]
		switch {
		case prev.Type == tKeyword && (prev.Value == "sizeof" || prev.Value == "typeof"):
			mode = "sizeof"
		case prev.Type == tKeyword && prev.Value == "offsetof":
			mode = "offsetof"
		case prev.Value == ")" && closesType(s.toks[s.itemStart:n]):
			// After a cast, another cast may follow: (uint32)(uint64)x.
		case prev.Type == tIdent || prev.Type == tVar || prev.Type == tMapName || prev.Type == tPositional ||
			prev.Type == tInt || prev.Type == tString || prev.Value == ")" || prev.Value == "]":
			return tPunct // a call, or an error the parser reports
		}
	}
	t, ok := matchType(s.src, off+1)
	if !ok {
		return tPunct
	}
	j := skipBlanks(s.src, t.end)
	if j >= len(s.src) {
		return tPunct
	}
	sure := t.keyword || t.ptr || t.typeof
	switch mode {
	case "offsetof":
		if s.src[j] == ',' {
			return tTypeParen
		}
	case "sizeof":
		if s.src[j] == ')' && (sure || t.array || looksLikeType(t.name)) {
			return tTypeParen
		}
	default:
		if s.src[j] != ')' {
			return tPunct
		}
		if sure {
			return tTypeParen
		}
		if !primitiveTypes[t.name] && IsBuiltin(t.name) {
			return tPunct
		}
		if startsExpr(s.src, j+1) {
			return tTypeParen
		}
	}
	return tPunct
}

// closesType reports whether the last token, a ")", closes a type paren
// (a cast's), by finding its "(".
func closesType(toks []lexer.Token) bool {
	depth := 0
	for i := len(toks) - 1; i >= 0; i-- {
		t := toks[i]
		if t.Type == tString {
			continue
		}
		switch t.Value {
		case ")":
			depth++
		case "(":
			depth--
			if depth == 0 {
				return t.Type == tTypeParen
			}
		}
	}
	return false
}

type typeShape struct {
	end                         int
	name                        string
	keyword, ptr, array, typeof bool
}

// matchType recognises the text of a type at off: `uint32`, `struct foo *`,
// `int8[8]`, `typeof(...)`. It only looks; tokens come later.
func matchType(src []byte, off int) (typeShape, bool) {
	var t typeShape
	j := skipBlanks(src, off)
	w := identAt(src, j)
	switch {
	case w == "":
		return t, false
	case w == "struct" || w == "union" || w == "enum":
		j = skipBlanks(src, j+len(w))
		n := identAt(src, j)
		if n == "" {
			return t, false
		}
		t.keyword, t.name = true, w+" "+n
		j += len(n)
	case w == "typeof":
		j = skipBlanks(src, j+len(w))
		if j >= len(src) || src[j] != '(' {
			return t, false
		}
		depth := 0
		limit := min(len(src), j+4096)
		for ; j < limit; j++ {
			if src[j] == '(' {
				depth++
			} else if src[j] == ')' {
				if depth--; depth == 0 {
					break
				}
			}
		}
		if depth != 0 {
			return t, false
		}
		t.typeof = true
		j++
	case keywords[w]:
		return t, false
	default:
		t.name = w
		j += len(w)
	}
	for {
		j = skipBlanks(src, j)
		if j < len(src) && src[j] == '*' {
			t.ptr = true
			j++
			continue
		}
		if j < len(src) && src[j] == '[' {
			k := skipBlanks(src, j+1)
			d := k
			for k < len(src) && isDigit(src[k]) {
				k++
			}
			k = skipBlanks(src, k)
			if k == d || k >= len(src) || src[k] != ']' {
				break
			}
			t.array = true
			j = k + 1
			continue
		}
		break
	}
	t.end = j
	return t, true
}

func identAt(src []byte, j int) string {
	k := j
	for k < len(src) && (isIdentStart(src[k]) || (k > j && isDigit(src[k]))) {
		k++
	}
	return string(src[j:k])
}

func skipBlanks(src []byte, j int) int {
	for j < len(src) && (src[j] == ' ' || src[j] == '\t') {
		j++
	}
	return j
}

// startsExpr reports whether the text at off begins an expression that
// can follow a cast. `{` does not: `if (x) {` is a condition.
func startsExpr(src []byte, off int) bool {
	j := skipBlanks(src, off)
	if j >= len(src) {
		return false
	}
	c := src[j]
	var n byte
	if j+1 < len(src) {
		n = src[j+1]
	}
	switch {
	case isIdentChar(c) || c == '$' || c == '@' || c == '"' || c == '(' || c == '~':
		return true
	case c == '-':
		return n != '=' && n != '>'
	case c == '!':
		return n != '='
	case c == '*':
		return n != '='
	case c == '&':
		return n != '&' && n != '='
	case c == '+':
		return n == '+'
	}
	return false
}

func (s *scanner) String() string { return fmt.Sprintf("scanner(%s:%d)", s.file, s.line) }
