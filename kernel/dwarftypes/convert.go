package dwarftypes

import (
	"debug/dwarf"

	"sonde/types"
)

// converter turns debug/dwarf types into sonde types. Structs and unions
// are converted in full (anonymous members flattened into the parent, as
// C reads them), a pointer to a named struct gets a shallow stub (name and
// size), so converting one struct does not drag in the program. Every
// pointer points into user memory. Callers hold File.mu.
type converter struct {
	data  *dwarf.Data
	cache map[dwarf.Type]*types.Type
	stubs map[string]*types.Type // by name: every pointer to a struct shares one stub
	// defs are the definitions stubs were made from, so completing a stub
	// needs no name index.
	defs map[string]*dwarf.StructType
	full map[*types.Type]bool
}

func (c *converter) init(d *dwarf.Data) {
	c.data = d
	c.cache = map[dwarf.Type]*types.Type{}
	c.stubs = map[string]*types.Type{}
	c.defs = map[string]*dwarf.StructType{}
	c.full = map[*types.Type]bool{}
}

// underlying strips qualifiers and typedefs; alias is the innermost
// typedef's name, which names anonymous structs and enums.
func underlying(t dwarf.Type) (u dwarf.Type, alias string) {
	for {
		switch x := t.(type) {
		case *dwarf.TypedefType:
			alias, t = x.Name, x.Type
		case *dwarf.QualType:
			t = x.Type
		default:
			return t, alias
		}
	}
}

func (c *converter) conv(t dwarf.Type) *types.Type {
	t, alias := underlying(t)
	if r, ok := c.cache[t]; ok {
		return r
	}
	var r *types.Type
	switch x := t.(type) {
	case *dwarf.BoolType:
		r = types.BoolT
	case *dwarf.CharType:
		r = types.Int8
	case *dwarf.UcharType:
		r = types.Uint8
	case *dwarf.IntType:
		r = intType(x.ByteSize, true)
	case *dwarf.UintType:
		r = intType(x.ByteSize, false)
	case *dwarf.AddrType:
		r = intType(x.ByteSize, false)
	case *dwarf.FloatType, *dwarf.ComplexType:
		// sonde has no floats; keep the layout and forbid arithmetic.
		r = types.ArrayOf(types.Uint8, int(t.Size()))
	case *dwarf.EnumType:
		r = enumType(x, alias)
	case *dwarf.PtrType:
		r = types.PointerTo(c.pointee(x.Type), true)
	case *dwarf.ArrayType:
		n := int(x.Count)
		if n < 0 {
			n = 0 // a flexible array member
		}
		r = types.ArrayOf(c.conv(x.Type), n)
	case *dwarf.StructType:
		if x.Incomplete {
			return c.stub(compositeName(x, alias), 0)
		}
		return c.composite(x, alias)
	case *dwarf.UnsupportedType:
		if x.Tag == dwarf.TagReferenceType || x.Tag == dwarf.TagRvalueReferenceType {
			r = types.PointerTo(nil, true) // C++ references: an address
		} else {
			r = types.VoidT
		}
	default: // void, functions, unspecified types
		r = types.VoidT
	}
	c.cache[t] = r
	return r
}

// pointee converts a pointer's target: nil for void and functions, a stub
// for named structs and unions.
func (c *converter) pointee(t dwarf.Type) *types.Type {
	if t == nil {
		return nil
	}
	u, alias := underlying(t)
	switch x := u.(type) {
	case *dwarf.VoidType, *dwarf.FuncType:
		return nil
	case *dwarf.StructType:
		if x.StructName != "" || alias != "" {
			name, size := compositeName(x, alias), 0
			if !x.Incomplete {
				size = int(x.ByteSize)
				if _, ok := c.defs[name]; !ok {
					c.defs[name] = x
				}
			}
			return c.stub(name, size)
		}
	}
	return c.conv(t)
}

// stub returns the shallow stand-in of a struct or union; File.Field and
// File.Type complete it by name.
func (c *converter) stub(name string, size int) *types.Type {
	if s, ok := c.stubs[name]; ok {
		if s.Size == 0 {
			s.Size = size
		}
		return s
	}
	s := &types.Type{Kind: types.Struct, Name: name, Size: size, User: true}
	c.stubs[name] = s
	return s
}

// stubOfFull returns the stub standing for a complete struct converted
// here, so every pointer to it has the same shallow pointee.
func (c *converter) stubOfFull(t *types.Type) *types.Type {
	if c.full[t] && t.Name != "" && t.Name != "struct (anon)" && t.Name != "union (anon)" {
		return c.stub(t.Name, t.Size)
	}
	return t
}

func (c *converter) composite(x *dwarf.StructType, alias string) *types.Type {
	r := &types.Type{Kind: types.Struct, Name: compositeName(x, alias), Size: int(x.ByteSize), User: true}
	// Cache before the members: a struct reaches itself only through
	// pointers (stubs), but malformed DWARF must not recurse forever.
	c.cache[x] = r
	c.full[r] = true
	fields := make([]types.Field, 0, len(x.Field))
	for _, m := range x.Field {
		if m.Name == "" {
			// An anonymous struct or union: its members belong to the
			// parent. Unnamed bitfields are padding and are dropped.
			if u, _ := underlying(m.Type); isComposite(u) {
				for _, f := range c.conv(m.Type).Fields {
					f.Offset += int(m.ByteOffset)
					fields = append(fields, f)
				}
			}
			continue
		}
		f := types.Field{Name: m.Name, Offset: int(m.ByteOffset), Type: c.conv(m.Type)}
		if m.BitSize > 0 {
			off := bitOffset(m)
			f.Offset, f.BitOff = types.BitfieldUnit(int(off), int(m.BitSize), f.Type.Size)
			f.BitSize = int(m.BitSize)
		}
		fields = append(fields, f)
	}
	r.Fields = fields
	return r
}

// bitOffset is a bitfield's offset in bits from the start of its struct
// (little endian). DWARF 4 and later say it (data_bit_offset); DWARF 2 and 3
// count from the most significant bit of a storage unit at ByteOffset.
func bitOffset(m *dwarf.StructField) int64 {
	if m.DataBitOffset != 0 || (m.BitOffset == 0 && m.ByteSize == 0) {
		return m.DataBitOffset
	}
	unit := m.ByteSize
	if unit == 0 {
		unit = m.Type.Size()
	}
	return m.ByteOffset*8 + unit*8 - m.BitOffset - m.BitSize
}

func isComposite(t dwarf.Type) bool {
	_, ok := t.(*dwarf.StructType)
	return ok
}

// compositeName is the sonde name of a struct or union: "struct x",
// "union x"; an anonymous one reached through a typedef takes the
// typedef's name (typedef struct {...} point_t is "point_t").
func compositeName(x *dwarf.StructType, alias string) string {
	if x.Kind == "union" {
		return types.CName("union", x.StructName, alias)
	}
	return types.CName("struct", x.StructName, alias)
}

func intType(size int64, signed bool) *types.Type {
	switch size {
	case 1, 2, 4, 8:
		return types.IntType(int(size), signed)
	}
	// __int128: keep the layout; there is no 16-byte integer.
	return types.ArrayOf(types.Uint8, int(size))
}

func enumType(x *dwarf.EnumType, alias string) *types.Type {
	name := types.CName("enum", x.EnumName, alias)
	size := int(x.ByteSize)
	if size <= 0 {
		size = 4
	}
	e := &types.Type{Kind: types.Enum, Size: size, Name: name,
		Enumerators: make(map[uint64]string, len(x.Val))}
	for _, v := range x.Val {
		if v.Val < 0 {
			e.Signed = true
		}
		if _, dup := e.Enumerators[uint64(v.Val)]; !dup {
			e.Enumerators[uint64(v.Val)] = v.Name
		}
	}
	return e
}
