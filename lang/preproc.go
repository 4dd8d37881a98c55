package lang

import (
	"bytes"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"sonde/lang/ast"
)

// preproc is the small C preprocessor bpftrace tools rely on: #include is
// recorded for the compiler, which takes the constants the headers define
// (types come from BTF), #define NAME value
// substitutes whole words, and #ifdef/#ifndef/#else/#endif select lines,
// with BPFTRACE_HAVE_BTF always defined. Directive lines produce no
// tokens, so every token keeps its original line and column.
type preproc struct {
	defines   map[string]*define
	conds     []cond
	expanding map[string]bool // guards against recursive #defines
	includes  []*ast.Include
}

type define struct {
	value string
	pos   lexer.Position
}

type cond struct {
	active     bool // lines of this branch are kept
	parentLive bool // the enclosing branch is kept
	seenElse   bool
	pos        lexer.Position
	name       string
}

func newPreproc() preproc {
	return preproc{
		defines:   map[string]*define{"BPFTRACE_HAVE_BTF": {value: "1"}},
		expanding: map[string]bool{},
	}
}

func (pp *preproc) live() bool {
	return len(pp.conds) == 0 || pp.conds[len(pp.conds)-1].active
}

// lineBegin runs at the start of each line: it handles directive lines
// and skips lines in branches that are not taken.
func (s *scanner) lineBegin() {
	for !s.eof() {
		j := skipBlanks(s.src, s.i)
		for j < len(s.src) && s.src[j] == '\r' {
			j++
		}
		switch {
		case j < len(s.src) && s.src[j] == '#':
			s.i = j
			s.directive()
		case !s.pp.live():
			s.skipLineComment()
		default:
			return
		}
		if s.eof() {
			return
		}
		s.i++ // the '\n'
		s.newline()
	}
}

// directive handles the '#' line at s.i, leaving s.i at its newline.
func (s *scanner) directive() {
	start := s.i
	end := bytes.IndexByte(s.src[start:], '\n')
	if end < 0 {
		end = len(s.src)
	} else {
		end += start
	}
	s.i = end
	p := s.pos(start)
	text := string(s.src[start+1 : end])
	if k := strings.Index(text, "//"); k >= 0 {
		text = text[:k]
	}
	text = strings.TrimSpace(text)
	name, rest, _ := strings.Cut(text, " ")
	if k := strings.IndexAny(name, "\t<\"("); k > 0 && name != "define" {
		name, rest = name[:k], name[k:]+" "+rest
	}
	rest = strings.TrimSpace(rest)
	live := s.pp.live()
	n := len(name) + 1
	switch name {
	case "include":
		angle := strings.HasPrefix(rest, "<") && strings.HasSuffix(rest, ">")
		quoted := strings.HasPrefix(rest, "\"") && strings.HasSuffix(rest, "\"") && len(rest) >= 2
		switch {
		case !live:
		case (!angle && !quoted) || len(rest) <= 2:
			s.errorf(p, n, "#include expects <file> or \"file\"")
		default:
			at, width := s.astPos(p), len(strings.TrimRight(string(s.src[start:end]), " \t\r"))
			to := at
			to.Col, to.Offset = at.Col+width, at.Offset+width
			s.pp.includes = append(s.pp.includes, &ast.Include{At: ast.At{Start: at, End: to}, Name: rest[1 : len(rest)-1], Quoted: quoted})
		}
	case "define":
		if live {
			s.pp.define(s, rest, p)
		}
	case "undef":
		if live {
			delete(s.pp.defines, rest)
		}
	case "ifdef", "ifndef":
		word := identAt([]byte(rest), 0)
		if word == "" || word != rest {
			s.errorf(p, n, "#%s expects one name", name)
		}
		_, defined := s.pp.defines[word]
		s.pp.conds = append(s.pp.conds, cond{active: live && defined == (name == "ifdef"), parentLive: live, pos: p, name: name})
	case "else":
		if len(s.pp.conds) == 0 {
			s.errorf(p, n, "#else without #ifdef or #ifndef")
			break
		}
		c := &s.pp.conds[len(s.pp.conds)-1]
		if c.seenElse {
			s.errorf(p, n, "a second #else for the #%s at %d:%d", c.name, c.pos.Line, c.pos.Column)
		}
		c.seenElse = true
		c.active = c.parentLive && !c.active
	case "endif":
		if len(s.pp.conds) == 0 {
			s.errorf(p, n, "#endif without #ifdef or #ifndef")
			break
		}
		s.pp.conds = s.pp.conds[:len(s.pp.conds)-1]
	case "if", "elif":
		s.errorf(p, n, "#%s is not supported; use #ifdef or #ifndef", name)
		if name == "if" {
			s.pp.conds = append(s.pp.conds, cond{active: live, parentLive: live, pos: p, name: name})
		}
	case "pragma":
	case "error":
		if live {
			s.errorf(p, n, "#error %s", rest)
		}
	default:
		if live {
			s.errorf(p, max(n, 1), "unknown preprocessor directive `#%s`", name)
		}
	}
}

func (pp *preproc) define(s *scanner, rest string, p lexer.Position) {
	name := identAt([]byte(rest), 0)
	if name == "" {
		s.errorf(p, 7, "#define expects a name")
		return
	}
	value := rest[len(name):]
	if strings.HasPrefix(value, "(") {
		s.errorf(p, 7, "function-like macro %s: #define only supports `#define NAME value`; write a `macro` instead", name)
		return
	}
	pp.defines[name] = &define{value: strings.TrimSpace(value), pos: p}
}

// expand substitutes a #define'd word at p. Its tokens all get the
// word's position, so diagnostics point at the use.
func (pp *preproc) expand(s *scanner, word string, p lexer.Position) bool {
	d, ok := pp.defines[word]
	if !ok || pp.expanding[word] {
		return false
	}
	sub := newScanner(s.file, []byte(d.value))
	sub.pp = *pp
	pp.expanding[word] = true
	for {
		sub.skipInline()
		if sub.eof() {
			break
		}
		sub.lexToken()
	}
	delete(pp.expanding, word)
	if len(sub.errs) > 0 || len(sub.stack) > 0 {
		s.errorf(p, len(word), "in the expansion of #define %s (line %d): %s", word, d.pos.Line, firstMsg(sub))
		return true
	}
	for _, t := range sub.toks {
		s.emitValue(t.Type, t.Value, p)
	}
	return true
}

func firstMsg(s *scanner) string {
	if len(s.errs) > 0 {
		return s.errs[0].Msg
	}
	return "unbalanced brackets"
}

// finish reports conditionals left open at the end of input.
func (pp *preproc) finish(s *scanner) {
	for _, c := range pp.conds {
		s.errorf(c.pos, len(c.name)+1, "#%s without #endif", c.name)
	}
}
