package headers

import (
	"bytes"
	"path/filepath"
	"strings"
)

// macro is a #define read from a header.
type macro struct {
	body   string   // replacement text
	fn     bool     // function-like: expanded only where it is called
	params []string // of a function-like macro; "..." last when variadic
	file   string   // the header that defines it, as included: "linux/socket.h"
}

// File is a header that was read: its name as included and its path.
type File struct {
	Name, Path string
}

// reader is sonde's preprocessor for C headers: it follows #include,
// keeps the #defines, evaluates #if/#ifdef/#elif/#else as far as constants
// allow, and records the constants of simple enums. Declarations are
// skipped: types come from BTF.
type reader struct {
	dirs     []string // search path, in order
	readFile func(path string) ([]byte, error)
	macros   map[string]*macro
	enums    map[string]value
	enumFile map[string]string
	done     map[string]bool     // paths read
	files    []File              // headers read, in order
	edges    map[string][]string // header name -> names it includes
	depth    int
}

func newReader(dirs []string, readFile func(string) ([]byte, error), predefined map[string]string) *reader {
	r := &reader{dirs: dirs, readFile: readFile, macros: map[string]*macro{},
		enums: map[string]value{}, enumFile: map[string]string{}, done: map[string]bool{}, edges: map[string][]string{}}
	for k, v := range predefined {
		r.macros[k] = &macro{body: v, file: "<built-in>"}
	}
	return r
}

// include reads the header name as `#include <name>` (quoted: as
// `#include "name"` from the file at from), or for include_next the one
// after the directory at index after. It reports whether it was found.
func (r *reader) include(name string, quoted bool, from string, after int) bool {
	if quoted && from != "" {
		p := filepath.Join(filepath.Dir(from), name)
		if src, err := r.readFile(p); err == nil {
			r.process(name, p, -1, src)
			return true
		}
	}
	if filepath.IsAbs(name) {
		src, err := r.readFile(name)
		if err == nil {
			r.process(name, name, -1, src)
		}
		return err == nil
	}
	for i := after + 1; i < len(r.dirs); i++ {
		p := filepath.Join(r.dirs[i], name)
		if r.done[p] {
			return true
		}
		if src, err := r.readFile(p); err == nil {
			r.process(name, p, i, src)
			return true
		}
	}
	return false
}

// cond is one open #if.
type cond struct {
	live  bool // the lines of the current branch are kept
	taken bool // a branch of this #if was already kept
	outer bool // the enclosing branch is kept
}

// process preprocesses one header. Every file is read once: include
// guards make that what a C compiler does for the headers scripts use.
func (r *reader) process(name, path string, dir int, src []byte) {
	if r.done[path] || r.depth > 64 {
		return
	}
	r.done[path] = true
	r.files = append(r.files, File{Name: name, Path: path})
	r.depth++
	defer func() { r.depth-- }()
	var (
		conds []cond
		code  []byte // kept lines that are not directives, for enums
	)
	live := func() bool { return len(conds) == 0 || conds[len(conds)-1].live }
	text := clean(src)
	for len(text) > 0 {
		line := text
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = nil
		}
		t := bytes.TrimLeft(line, " \t\f\v\r")
		if len(t) == 0 || t[0] != '#' {
			if live() && bytes.Contains(line, []byte("enum")) || len(code) > 0 && live() {
				code = append(append(code, line...), '\n')
			}
			continue
		}
		d := strings.TrimSpace(string(t[1:]))
		word := d
		if i := strings.IndexFunc(d, func(c rune) bool { return !isIdent(byte(c)) || c > 0x7f }); i >= 0 {
			word = d[:i]
		}
		rest := strings.TrimSpace(d[len(word):])
		switch word {
		case "if", "ifdef", "ifndef":
			outer := live()
			c := cond{outer: outer}
			if outer {
				switch word {
				case "if":
					c.live = r.condition(rest)
				case "ifdef":
					c.live = r.defined(rest)
				default:
					c.live = !r.defined(rest)
				}
			}
			c.taken = c.live
			conds = append(conds, c)
		case "elif", "elifdef", "elifndef":
			if len(conds) == 0 {
				continue
			}
			c := &conds[len(conds)-1]
			c.live = false
			if c.outer && !c.taken {
				switch word {
				case "elif":
					c.live = r.condition(rest)
				case "elifdef":
					c.live = r.defined(rest)
				default:
					c.live = !r.defined(rest)
				}
				c.taken = c.live
			}
		case "else":
			if len(conds) > 0 {
				c := &conds[len(conds)-1]
				c.live = c.outer && !c.taken
				c.taken = true
			}
		case "endif":
			if len(conds) > 0 {
				conds = conds[:len(conds)-1]
			}
		case "define":
			if live() {
				r.define(rest, name)
			}
		case "undef":
			if live() {
				delete(r.macros, strings.TrimSpace(rest))
			}
		case "include", "include_next":
			if !live() {
				continue
			}
			inc, quoted, ok := includeName(rest)
			if !ok {
				continue
			}
			r.edges[name] = append(r.edges[name], inc)
			switch {
			case word == "include_next" && dir >= 0:
				r.include(inc, false, "", dir)
			default:
				r.include(inc, quoted, path, -1)
			}
		}
	}
	if len(code) > 0 {
		r.scanEnums(code, name)
	}
}

// includeName reads the operand of #include: <name> or "name".
func includeName(s string) (name string, quoted, ok bool) {
	switch {
	case strings.HasPrefix(s, "<"):
		if i := strings.IndexByte(s, '>'); i > 1 {
			return s[1:i], false, true
		}
	case strings.HasPrefix(s, `"`):
		if i := strings.IndexByte(s[1:], '"'); i > 0 {
			return s[1 : i+1], true, true
		}
	}
	return "", false, false // a computed include: skipped
}

func (r *reader) defined(rest string) bool {
	name := rest
	if i := strings.IndexAny(rest, " \t"); i >= 0 {
		name = rest[:i]
	}
	_, ok := r.macros[name]
	return ok
}

// define records `#define NAME body` or `#define NAME(params) body`.
func (r *reader) define(rest, file string) {
	i := 0
	for i < len(rest) && isIdent(rest[i]) {
		i++
	}
	name := rest[:i]
	if name == "" || !isIdentStart(name[0]) {
		return
	}
	m := &macro{file: file}
	body := rest[i:]
	if strings.HasPrefix(body, "(") {
		end := strings.IndexByte(body, ')')
		if end < 0 {
			return
		}
		m.fn = true
		for _, p := range strings.Split(body[1:end], ",") {
			if p = strings.TrimSpace(p); p != "" {
				m.params = append(m.params, p)
			}
		}
		body = body[end+1:]
	}
	m.body = strings.TrimSpace(body)
	r.macros[name] = m
}

// condition evaluates an #if expression. What cannot be evaluated (a
// function-like macro the header does not define, a string) is false.
func (r *reader) condition(expr string) bool {
	toks, err := r.expand(tokenize(expr), nil, true, 0)
	if err != nil {
		return false
	}
	e := evaluator{toks: toks, inIf: true, ident: func(string) (value, error) { return value{}, nil }}
	v, err := e.eval()
	return err == nil && v.v != 0
}

// constant evaluates the macro or enum constant name.
func (r *reader) constant(name string) (value, bool) {
	if m, ok := r.macros[name]; ok && !m.fn {
		toks, err := r.expand([]tok{{'i', name}}, nil, false, 0)
		if err == nil {
			e := evaluator{toks: toks, ident: r.enumValue}
			if v, err := e.eval(); err == nil {
				return v, true
			}
		}
	}
	if v, ok := r.enums[name]; ok {
		return v, true
	}
	return value{}, false
}

func (r *reader) enumValue(name string) (value, error) {
	if v, ok := r.enums[name]; ok {
		return v, nil
	}
	return value{}, errNotConst
}

// maxTokens bounds an expansion, so that no header makes sonde work
// without end.
const maxTokens = 1 << 14

// expand replaces macros in toks, as the C preprocessor does for the
// forms constants use: object-like macros, calls of function-like ones,
// and in #if, `defined NAME` and `defined(NAME)`. active holds the macros
// being expanded, which are not expanded again.
func (r *reader) expand(toks []tok, active map[string]bool, inIf bool, depth int) ([]tok, error) {
	if depth > 64 {
		return nil, errNotConst
	}
	var out []tok
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind != 'i' {
			out = append(out, t)
			continue
		}
		if inIf && t.text == "defined" {
			j, name := i+1, ""
			if j < len(toks) && toks[j].text == "(" && j+2 < len(toks) && toks[j+2].text == ")" {
				name, i = toks[j+1].text, j+2
			} else if j < len(toks) && toks[j].kind == 'i' {
				name, i = toks[j].text, j
			} else {
				return nil, errNotConst
			}
			_, ok := r.macros[name]
			out = append(out, tok{'n', map[bool]string{true: "1", false: "0"}[ok]})
			continue
		}
		m, ok := r.macros[t.text]
		if !ok || active[t.text] {
			if inIf && strings.HasPrefix(t.text, "__has_") && i+1 < len(toks) && toks[i+1].text == "(" {
				// __has_include(...), __has_builtin(...): taken as absent.
				_, end, ok := callArgs(toks, i+1)
				if !ok {
					return nil, errNotConst
				}
				out, i = append(out, tok{'n', "0"}), end
				continue
			}
			out = append(out, t)
			continue
		}
		body := tokenize(m.body)
		if m.fn {
			if i+1 >= len(toks) || toks[i+1].text != "(" {
				out = append(out, t) // a function-like macro's name alone is not a call
				continue
			}
			args, end, ok := callArgs(toks, i+1)
			if !ok {
				return nil, errNotConst
			}
			i = end
			var err error
			if body, err = substitute(m, body, args); err != nil {
				return nil, err
			}
		}
		sub := map[string]bool{t.text: true}
		for k := range active {
			sub[k] = true
		}
		exp, err := r.expand(body, sub, inIf, depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, exp...)
		if len(out) > maxTokens {
			return nil, errNotConst
		}
	}
	return out, nil
}

// callArgs splits the arguments of a call whose '(' is at toks[open]; end
// is the index of its ')'.
func callArgs(toks []tok, open int) (args [][]tok, end int, ok bool) {
	depth := 0
	cur := []tok{}
	for j := open; j < len(toks); j++ {
		switch toks[j].text {
		case "(":
			depth++
			if depth == 1 {
				continue
			}
		case ")":
			depth--
			if depth == 0 {
				return append(args, cur), j, true
			}
		case ",":
			if depth == 1 {
				args, cur = append(args, cur), []tok{}
				continue
			}
		}
		cur = append(cur, toks[j])
	}
	return nil, 0, false
}

// substitute puts a call's arguments in place of the parameters. Bodies
// that stringize or paste (# and ##) make no constants and are refused.
func substitute(m *macro, body []tok, args [][]tok) ([]tok, error) {
	if len(args) == 1 && len(args[0]) == 0 && len(m.params) == 0 {
		args = nil
	}
	variadic := len(m.params) > 0 && strings.HasSuffix(m.params[len(m.params)-1], "...")
	if len(args) != len(m.params) && !(variadic && len(args) >= len(m.params)-1) {
		return nil, errNotConst
	}
	var out []tok
	for _, t := range body {
		if t.kind == 'o' && (t.text == "#" || t.text == "##") {
			return nil, errNotConst
		}
		if t.kind == 'i' {
			if k := paramIndex(m.params, t.text); k >= 0 {
				if variadic && k == len(m.params)-1 {
					for a := k; a < len(args); a++ {
						if a > k {
							out = append(out, tok{'o', ","})
						}
						out = append(out, args[a]...)
					}
					continue
				}
				out = append(out, args[k]...)
				continue
			}
		}
		out = append(out, t)
	}
	return out, nil
}

func paramIndex(params []string, name string) int {
	for k, p := range params {
		if p == name || name == "__VA_ARGS__" && p == "..." || strings.TrimSuffix(p, "...") == name && strings.HasSuffix(p, "...") {
			return k
		}
	}
	return -1
}

// clean removes comments and joins continued lines, keeping one line per
// logical line, so that directives are read as the C preprocessor reads
// them.
func clean(src []byte) []byte {
	out := make([]byte, 0, len(src))
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '\\' && i+1 < len(src) && src[i+1] == '\n':
			i++
		case c == '\\' && i+2 < len(src) && src[i+1] == '\r' && src[i+2] == '\n':
			i += 2
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := bytes.Index(src[i+2:], []byte("*/"))
			if end < 0 {
				return out
			}
			out = append(out, ' ')
			i += end + 3
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			for i+1 < len(src) && src[i+1] != '\n' {
				i++
			}
		case c == '"' || c == '\'':
			j := i + 1
			for j < len(src) && src[j] != c && src[j] != '\n' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j, len(src)-1)
			out = append(out, src[i:j+1]...)
			i = j
		default:
			out = append(out, c)
		}
	}
	return out
}

// scanEnums records the constants of the enums in code, the kept
// non-directive text of a header: `enum [tag] { A = expr, B, ... }`.
func (r *reader) scanEnums(code []byte, file string) {
	for {
		i := bytes.Index(code, []byte("enum"))
		if i < 0 {
			return
		}
		if i > 0 && isIdent(code[i-1]) || i+4 < len(code) && isIdent(code[i+4]) {
			code = code[i+4:]
			continue
		}
		code = code[i+4:]
		j := 0
		for j < len(code) && (isIdent(code[j]) || code[j] == ' ' || code[j] == '\t' || code[j] == '\n') {
			j++
		}
		if j >= len(code) || code[j] != '{' {
			continue
		}
		end := bytes.IndexByte(code[j:], '}')
		if end < 0 {
			return
		}
		r.enumBody(string(code[j+1:j+end]), file)
		code = code[j+end:]
	}
}

func (r *reader) enumBody(body, file string) {
	next := value{}
	for _, item := range strings.Split(body, ",") {
		name, expr, hasValue := strings.Cut(strings.TrimSpace(item), "=")
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if k := strings.IndexFunc(name, func(c rune) bool { return c > 0x7f || !isIdent(byte(c)) }); k >= 0 {
			return // attributes or something else sonde does not read
		}
		if hasValue {
			toks, err := r.expand(tokenize(expr), nil, false, 0)
			if err != nil {
				return
			}
			e := evaluator{toks: toks, ident: r.enumValue}
			v, err := e.eval()
			if err != nil {
				return // the constants after it cannot be known either
			}
			next = v
		}
		if _, seen := r.enums[name]; !seen {
			r.enums[name], r.enumFile[name] = next, file
		}
		next.v++
		next = next.norm()
	}
}
