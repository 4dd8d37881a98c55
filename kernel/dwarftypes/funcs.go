package dwarftypes

import (
	"debug/dwarf"
	"fmt"

	kbtf "sonde/kernel/btf"
	"sonde/types"
)

// Func is a function's prototype from DWARF.
type Func struct {
	Name   string
	Params []Param
	Return *types.Type // types.VoidT when it returns nothing
	CRet   string      // the return type as C writes it
}

// Param is one parameter, in order.
type Param struct {
	Name  string
	Type  *types.Type
	CType string // as C writes it: "struct request*"
}

// Func returns the prototype of the function whose code starts at pc (its
// link-time address; 0 when unknown) or, failing that, named name. Only
// the compilation unit holding pc is read when the file says which one.
func (f *File) Func(name string, pc uint64) (*Func, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.load(); err != nil {
		return nil, err
	}
	r := f.data.Reader()
	if pc != 0 {
		if _, err := r.SeekPC(pc); err == nil {
			if e := f.findFunc(r, name, pc); e != nil {
				return f.proto(r, e)
			}
		}
	}
	// No unit claims pc: look the name up in the index of definitions.
	if err := f.index(); err != nil {
		return nil, err
	}
	if off, ok := f.names["func "+name]; ok {
		r.Seek(off)
		if e, err := r.Next(); err == nil && e != nil {
			return f.proto(r, e)
		}
	}
	return firstSplit(f.splits, &kbtf.NotFoundError{What: "function", Name: name, In: f.path + " (DWARF)"},
		func(s *File) (*Func, error) { return s.Func(name, pc) })
}

// findFunc reads the subprogram definitions of the unit r is in for the
// one at pc. The reader is left at the children of the entry returned.
func (f *File) findFunc(r *dwarf.Reader, name string, pc uint64) *dwarf.Entry {
	depth := 0
	for {
		e, err := r.Next()
		if err != nil || e == nil || e.Tag == dwarf.TagCompileUnit {
			return nil
		}
		switch e.Tag {
		case 0:
			if depth--; depth < 0 {
				return nil
			}
			continue
		case dwarf.TagSubprogram:
			if f.funcMatches(e, name, pc) {
				return e
			}
		case dwarf.TagNamespace, dwarf.TagModule:
			if e.Children {
				depth++ // C++ definitions may sit inside namespaces
			}
			continue
		}
		if e.Children {
			r.SkipChildren()
		}
	}
}

func (f *File) funcMatches(e *dwarf.Entry, name string, pc uint64) bool {
	low, ok := e.Val(dwarf.AttrLowpc).(uint64)
	if !ok {
		return false // a declaration or an inlined-only function
	}
	if pc != 0 {
		if low == pc {
			return true
		}
		high := highPC(e, low)
		return low < pc && pc < high
	}
	for _, a := range []dwarf.Attr{dwarf.AttrName, dwarf.AttrLinkageName} {
		if s, _ := f.attr(e, a).(string); s == name {
			return true
		}
	}
	return false
}

func highPC(e *dwarf.Entry, low uint64) uint64 {
	fld := e.AttrField(dwarf.AttrHighpc)
	if fld == nil {
		return low
	}
	switch v := fld.Val.(type) {
	case uint64:
		return v
	case int64:
		return low + uint64(v) // DWARF 4+: the length
	}
	return low
}

// attr reads attribute a of e, following abstract_origin and
// specification to the declaration that carries it (C++ methods and
// out-of-line copies of inline functions keep their names there).
func (f *File) attr(e *dwarf.Entry, a dwarf.Attr) any {
	for range 4 {
		if v := e.Val(a); v != nil {
			return v
		}
		var off dwarf.Offset
		var ok bool
		for _, link := range []dwarf.Attr{dwarf.AttrAbstractOrigin, dwarf.AttrSpecification} {
			if off, ok = e.Val(link).(dwarf.Offset); ok {
				break
			}
		}
		if !ok {
			return nil
		}
		r := f.data.Reader()
		r.Seek(off)
		next, err := r.Next()
		if err != nil || next == nil {
			return nil
		}
		e = next
	}
	return nil
}

// proto reads the prototype of subprogram e, whose children r is at.
func (f *File) proto(r *dwarf.Reader, e *dwarf.Entry) (*Func, error) {
	fn := &Func{Return: types.VoidT, CRet: "void"}
	fn.Name, _ = f.attr(e, dwarf.AttrName).(string)
	if off, ok := f.attr(e, dwarf.AttrType).(dwarf.Offset); ok {
		var err error
		if fn.Return, fn.CRet, err = f.typeAt(off, fn.Name); err != nil {
			return nil, err
		}
	}
	if !e.Children {
		return fn, nil
	}
	for {
		c, err := r.Next()
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %v", f.path, fn.Name, err)
		}
		if c == nil || c.Tag == 0 {
			return fn, nil
		}
		if c.Tag == dwarf.TagFormalParameter {
			if out, _ := c.Val(dwarf.AttrVarParam).(bool); !out { // Go's results
				p := Param{}
				p.Name, _ = f.attr(c, dwarf.AttrName).(string)
				if off, ok := f.attr(c, dwarf.AttrType).(dwarf.Offset); ok {
					if p.Type, p.CType, err = f.typeAt(off, fn.Name); err != nil {
						return nil, err
					}
				} else {
					p.Type, p.CType = types.VoidT, "void"
				}
				fn.Params = append(fn.Params, p)
			}
		}
		if c.Children {
			r.SkipChildren()
		}
	}
}

// typeAt converts the type at off, in function fn, and writes it as C.
func (f *File) typeAt(off dwarf.Offset, fn string) (*types.Type, string, error) {
	t, err := f.data.Type(off)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %s: %v", f.path, fn, err)
	}
	return f.conv.conv(t), cName(t), nil
}

// cName writes t as bpftrace lists it: "const char*", "struct request*".
func cName(t dwarf.Type) string {
	switch x := t.(type) {
	case nil:
		return "void"
	case *dwarf.PtrType:
		return cName(x.Type) + "*"
	case *dwarf.QualType:
		return x.Qual + " " + cName(x.Type)
	case *dwarf.TypedefType:
		return x.Name
	case *dwarf.StructType:
		if x.StructName == "" {
			return x.Kind + " (anon)"
		}
		if x.Kind == "class" {
			return "struct " + x.StructName
		}
		return x.Kind + " " + x.StructName
	case *dwarf.EnumType:
		return "enum " + x.EnumName
	case *dwarf.ArrayType:
		return fmt.Sprintf("%s[%d]", cName(x.Type), x.Count)
	case *dwarf.FuncType:
		return "void (*)()"
	}
	if s := t.String(); s != "" {
		return s
	}
	return "void"
}
