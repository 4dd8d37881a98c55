package compiler

import (
	"fmt"
	"strconv"
	"strings"

	"sonde/lang/ast"
	"sonde/types"
)

// scriptTypes puts the structs and unions a script defines (often partial
// copies of kernel-internal structs that BTF does not describe under that
// name) in front of the kernel's BTF types. A definition is laid out on
// first use, so one the compiler cannot read fails only where it is used.
type scriptTypes struct {
	inner KernelTypes // nil: no BTF
	decls map[string]*ast.CDecl
	done  map[string]*types.Type
	errs  map[string]error
	busy  map[string]bool
}

// withScriptTypes wraps kt with prog's struct and union definitions.
func withScriptTypes(kt KernelTypes, prog *ast.Program) KernelTypes {
	st := &scriptTypes{inner: kt, decls: map[string]*ast.CDecl{}, done: map[string]*types.Type{},
		errs: map[string]error{}, busy: map[string]bool{}}
	for _, d := range prog.CDecls {
		if name := cdeclName(d.Text); name != "" {
			st.decls[name] = d
		}
	}
	if len(st.decls) == 0 {
		return kt
	}
	return st
}

// cdeclName is "struct NAME" or "union NAME" for a definition, else "".
func cdeclName(text string) string {
	w := ctokens(text)
	if len(w) >= 3 && (w[0] == "struct" || w[0] == "union") && w[2] == "{" {
		return w[0] + " " + w[1]
	}
	return ""
}

func (s *scriptTypes) Type(name string) (*types.Type, error) {
	name = strings.Join(strings.Fields(name), " ")
	if d, ok := s.decls[name]; ok {
		if t := s.done[name]; t != nil {
			return t, nil
		}
		if err := s.errs[name]; err != nil {
			return nil, err
		}
		if s.busy[name] {
			return nil, fmt.Errorf("%s contains itself", name)
		}
		s.busy[name] = true
		t, err := s.layout(d)
		delete(s.busy, name)
		if err != nil {
			err = fmt.Errorf("%s (defined at line %d): %v", name, d.Start.Line, err)
			s.errs[name] = err
			return nil, err
		}
		s.done[name] = t
		return t, nil
	}
	if s.inner == nil {
		return nil, fmt.Errorf("unknown type %s (kernel types need BTF)", name)
	}
	return s.inner.Type(name)
}

func (s *scriptTypes) Field(t *types.Type, name string) (types.Field, error) {
	if t != nil && t.Kind == types.Struct {
		if _, ok := s.decls[t.Name]; ok {
			full, err := s.Type(t.Name)
			if err != nil {
				return types.Field{}, err
			}
			var names []string
			for _, f := range full.Fields {
				if f.Name == name {
					return f, nil
				}
				names = append(names, f.Name)
			}
			if m := didYouMean(name, names); m != "" {
				return types.Field{}, fmt.Errorf("%s has no field %s (did you mean %s?)", t.Name, name, m)
			}
			return types.Field{}, fmt.Errorf("%s has no field %s", t.Name, name)
		}
	}
	if s.inner == nil {
		return types.Field{}, fmt.Errorf("kernel types are not available (no BTF)")
	}
	return s.inner.Field(t, name)
}

func (s *scriptTypes) EnumValue(name string) (int64, *types.Type, bool) {
	if s.inner == nil {
		return 0, nil, false
	}
	return s.inner.EnumValue(name)
}

// layout reads `struct NAME { TYPE DECLARATOR, ...; ... };` and lays it
// out as a C compiler for x86-64 does.
func (s *scriptTypes) layout(d *ast.CDecl) (*types.Type, error) {
	w := ctokens(d.Text)
	union := w[0] == "union"
	t := &types.Type{Kind: types.Struct, Name: w[0] + " " + w[1]}
	i := 3
	off, align := 0, 1
	for i < len(w) && w[i] != "}" {
		var base []string
		for i < len(w) && isCWord(w[i]) {
			base = append(base, w[i])
			i++
		}
		if len(base) == 0 {
			return nil, fmt.Errorf("expected a member's type, found %q", w[i])
		}
		for {
			stars := 0
			for i < len(w) && w[i] == "*" {
				stars++
				i++
			}
			words := base
			if stars == 0 && len(base) > 1 {
				// The last word is the member's name: `unsigned long x`.
				words = base[:len(base)-1]
			}
			name := base[len(base)-1]
			if stars > 0 {
				if i >= len(w) || !isCWord(w[i]) {
					return nil, fmt.Errorf("expected a member name after *")
				}
				name, words = w[i], base
				i++
			} else if len(base) < 2 {
				return nil, fmt.Errorf("member %s has no type", name)
			}
			mt, err := s.baseType(words, stars > 0)
			if err != nil {
				return nil, fmt.Errorf("member %s: %v", name, err)
			}
			for k := 0; k < stars; k++ {
				mt = types.PointerTo(mt, false)
			}
			var dims []int
			for i+2 < len(w) && w[i] == "[" && w[i+2] == "]" {
				n, err := strconv.Atoi(w[i+1])
				if err != nil || n < 0 {
					return nil, fmt.Errorf("member %s: array length %q is not a number", name, w[i+1])
				}
				dims = append(dims, n)
				i += 3
			}
			for k := len(dims) - 1; k >= 0; k-- {
				mt = types.ArrayOf(mt, dims[k])
			}
			if i < len(w) && w[i] == ":" {
				return nil, fmt.Errorf("member %s: bit-fields are not supported; cast to a kernel struct that BTF describes", name)
			}
			a := s.align(mt, 0)
			if union {
				off = 0
			} else {
				off = (off + a - 1) / a * a
			}
			t.Fields = append(t.Fields, types.Field{Name: name, Offset: off, Type: mt})
			align = max(align, a)
			if union {
				t.Size = max(t.Size, mt.Size)
			} else {
				off += mt.Size
				t.Size = off
			}
			if i < len(w) && w[i] == "," {
				i++
				continue
			}
			break
		}
		if i >= len(w) || w[i] != ";" {
			return nil, fmt.Errorf("expected ; after a member, found %q", strings.Join(w[min(i, len(w)):min(i+1, len(w))], ""))
		}
		i++
	}
	t.Size = (t.Size + align - 1) / align * align
	return t, nil
}

// baseType resolves a member's type words: C's integer spellings, the
// kernel's typedefs, and structs, unions and enums (the script's or BTF's).
func (s *scriptTypes) baseType(words []string, pointer bool) (*types.Type, error) {
	var kept []string
	for _, w := range words {
		if w != "const" && w != "volatile" {
			kept = append(kept, w)
		}
	}
	words = kept
	if len(words) == 2 && (words[0] == "struct" || words[0] == "union" || words[0] == "enum") {
		t, err := s.Type(words[0] + " " + words[1])
		if err != nil && words[0] == "enum" {
			return types.Int32, nil
		}
		if err != nil && pointer {
			return nil, nil // a pointer to an unknown struct is a void *
		}
		return t, err
	}
	if len(words) == 1 {
		if words[0] == "void" && pointer {
			return nil, nil
		}
		if t := intTypeNames[words[0]]; t != nil {
			return t, nil
		}
	}
	if t := cIntType(words); t != nil {
		return t, nil
	}
	if len(words) == 1 && s.inner != nil {
		if t, err := s.inner.Type(words[0]); err == nil {
			return t, nil
		}
	}
	return nil, fmt.Errorf("unknown type %s", strings.Join(words, " "))
}

// cIntType reads C's integer type spellings: unsigned long, long long int...
func cIntType(words []string) *types.Type {
	size, signed, seen := 4, true, false
	longs := 0
	for _, w := range words {
		switch w {
		case "unsigned":
			signed = false
		case "signed":
		case "char":
			size = 1
		case "short":
			size = 2
		case "int":
		case "long":
			longs++
			size = 8
		default:
			return nil
		}
		seen = true
	}
	if !seen || longs > 2 {
		return nil
	}
	return types.IntType(size, signed)
}

// align is t's alignment, completing name-only BTF structs on the way.
func (s *scriptTypes) align(t *types.Type, depth int) int {
	switch {
	case t == nil:
		return 1
	case t.Kind == types.Array:
		return s.align(t.Elem, depth)
	case t.Kind == types.Struct:
		if t.Fields == nil && depth < 8 {
			if full, err := s.Type(t.Name); err == nil && full.Fields != nil {
				t = full
			}
		}
		a := 1
		for _, f := range t.Fields {
			a = max(a, s.align(f.Type, depth+1))
		}
		return a
	}
	return t.Align()
}

func isCWord(s string) bool {
	return s != "" && (s[0] == '_' || s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z' || s[0] >= '0' && s[0] <= '9')
}

// ctokens splits C declarations into words and punctuation, without
// comments.
func ctokens(text string) []string {
	var b strings.Builder
	for {
		i := strings.Index(text, "/*")
		j := strings.Index(text, "//")
		switch {
		case i >= 0 && (j < 0 || i < j):
			end := strings.Index(text[i+2:], "*/")
			if end < 0 {
				text = text[:i]
				continue
			}
			text = text[:i] + " " + text[i+2+end+2:]
			continue
		case j >= 0:
			end := strings.IndexByte(text[j:], '\n')
			if end < 0 {
				text = text[:j]
			} else {
				text = text[:j] + text[j+end:]
			}
			continue
		}
		break
	}
	for _, r := range text {
		if strings.ContainsRune("{};*[],:()=-", r) {
			b.WriteString(" " + string(r) + " ")
		} else {
			b.WriteRune(r)
		}
	}
	return strings.Fields(b.String())
}
