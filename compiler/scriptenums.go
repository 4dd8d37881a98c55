package compiler

import (
	"fmt"
	"strconv"
	"strings"

	"sonde/lang/ast"
	"sonde/types"
)

// scriptEnums puts the enums a script defines (`enum Foo { A, B = 5 };`,
// or anonymous `enum { X = 1 };`) in front of the kernel's: their
// enumerators resolve as identifiers and values of their type print by
// name, exactly as BTF enums do.
type scriptEnums struct {
	inner  KernelTypes // nil: no BTF
	byType map[string]*types.Type
	consts map[string]enumConst
}

type enumConst struct {
	value int64
	t     *types.Type
}

// withScriptEnums wraps kt with prog's enum definitions; a definition it
// cannot read is reported at its position.
func (c *compiler) withScriptEnums(kt KernelTypes, prog *ast.Program) KernelTypes {
	se := &scriptEnums{inner: kt, byType: map[string]*types.Type{}, consts: map[string]enumConst{}}
	for _, d := range prog.CDecls {
		w := ctokens(d.Text)
		if len(w) < 2 || w[0] != "enum" || (w[1] != "{" && (len(w) < 3 || w[2] != "{")) {
			continue
		}
		if err := se.define(w); err != nil {
			c.errorAt(d.Span(), "", "enum definition: %v", err)
		}
	}
	if len(se.consts) == 0 {
		return kt
	}
	return se
}

// define reads `enum [NAME] { A [= V], ... }`. A value is an integer, an
// earlier enumerator, or either negated; unvalued enumerators count on
// from the previous one, as in C.
func (se *scriptEnums) define(w []string) error {
	name, i := "enum (anon)", 2
	if w[1] != "{" {
		name, i = "enum "+w[1], 3
	}
	t := &types.Type{Kind: types.Enum, Size: 4, Name: name, Enumerators: map[uint64]string{}}
	var names []string
	vals := map[string]int64{}
	next := int64(0)
	for i < len(w) && w[i] != "}" {
		id := w[i]
		if !isCIdent(id) {
			return fmt.Errorf("expected an enumerator name, found %q", id)
		}
		i++
		v := next
		if i < len(w) && w[i] == "=" {
			i++
			neg := false
			if i < len(w) && w[i] == "-" {
				neg, i = true, i+1
			}
			if i >= len(w) {
				return fmt.Errorf("%s = needs a value", id)
			}
			if prev, ok := vals[w[i]]; ok {
				v = prev
			} else if n, err := strconv.ParseInt(strings.TrimRight(w[i], "uUlL"), 0, 64); err == nil {
				v = n
			} else if u, err := strconv.ParseUint(strings.TrimRight(w[i], "uUlL"), 0, 64); err == nil {
				v = int64(u)
			} else {
				return fmt.Errorf("the value of %s must be an integer or an earlier enumerator, not %q", id, w[i])
			}
			if neg {
				v = -v
			}
			i++
		}
		if _, dup := vals[id]; dup {
			return fmt.Errorf("%s is defined twice", id)
		}
		vals[id] = v
		names = append(names, id)
		if _, dup := t.Enumerators[uint64(v)]; !dup {
			t.Enumerators[uint64(v)] = id
		}
		if v < 0 {
			t.Signed = true
		}
		next = v + 1
		if i < len(w) && w[i] == "," {
			i++
		} else if i < len(w) && w[i] != "}" {
			return fmt.Errorf("expected `,` or `}` after %s, found %q", id, w[i])
		}
	}
	if i >= len(w) {
		return fmt.Errorf("%s has no closing `}`", name)
	}
	for _, n := range names {
		se.consts[n] = enumConst{vals[n], t}
	}
	if w[1] != "{" {
		se.byType[name] = t
	}
	return nil
}

func (se *scriptEnums) Type(name string) (*types.Type, error) {
	if t := se.byType[strings.Join(strings.Fields(name), " ")]; t != nil {
		return t, nil
	}
	if se.inner == nil {
		return nil, fmt.Errorf("unknown type %s (kernel types need BTF)", name)
	}
	return se.inner.Type(name)
}

func (se *scriptEnums) Field(t *types.Type, name string) (types.Field, error) {
	if se.inner == nil {
		return types.Field{}, fmt.Errorf("kernel types are not available (no BTF)")
	}
	return se.inner.Field(t, name)
}

func (se *scriptEnums) EnumValue(name string) (int64, *types.Type, bool) {
	if c, ok := se.consts[name]; ok {
		return c.value, c.t, true
	}
	if se.inner == nil {
		return 0, nil, false
	}
	return se.inner.EnumValue(name)
}

func isCIdent(w string) bool {
	return isCWord(w) && (w[0] < '0' || w[0] > '9')
}
