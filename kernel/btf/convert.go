package kbtf

import (
	"strings"

	"github.com/cilium/ebpf/btf"

	"sonde/types"
)

// converter turns cilium BTF types into sonde types. Struct and union
// members are converted in full (embedded structs included, anonymous ones
// flattened into their parent), but a pointer to a named struct gets a
// shallow stub, so converting task_struct does not drag in the kernel.
// Callers hold Kernel.mu.
type converter struct {
	cache  map[btf.Type]*types.Type // every conversion, keyed by BTF type
	stubs  map[btf.Type]*types.Type // shallow stubs of named composites
	stubOf map[*types.Type]btf.Type // stub -> the BTF type it stands for
	full   map[*types.Type]btf.Type // complete struct/union -> its BTF type
}

func (c *converter) init() {
	if c.cache == nil {
		c.cache = map[btf.Type]*types.Type{}
		c.stubs = map[btf.Type]*types.Type{}
		c.stubOf = map[*types.Type]btf.Type{}
		c.full = map[*types.Type]btf.Type{}
	}
}

// underlying strips qualifiers, type tags and typedefs. alias is the name
// of the innermost typedef, which names anonymous structs and enums.
func underlying(t btf.Type) (u btf.Type, alias string) {
	for {
		switch x := t.(type) {
		case *btf.Typedef:
			alias, t = x.Name, x.Type
		case *btf.Const:
			t = x.Type
		case *btf.Volatile:
			t = x.Type
		case *btf.Restrict:
			t = x.Type
		case *btf.TypeTag:
			t = x.Type
		default:
			return t, alias
		}
	}
}

// userPointee reports whether a pointer target carries the __user type
// tag (kernels built with clang record it), so reads use probe_read_user.
func userPointee(t btf.Type) bool {
	for {
		switch x := t.(type) {
		case *btf.TypeTag:
			if x.Value == "user" {
				return true
			}
			t = x.Type
		case *btf.Const:
			t = x.Type
		case *btf.Volatile:
			t = x.Type
		case *btf.Restrict:
			t = x.Type
		default:
			return false
		}
	}
}

func (c *converter) conv(t btf.Type) *types.Type {
	c.init()
	t, alias := underlying(t)
	if r, ok := c.cache[t]; ok {
		return r
	}
	var r *types.Type
	switch x := t.(type) {
	case *btf.Int:
		r = intType(x)
	case *btf.Float:
		// sonde has no floats; keep the layout and forbid arithmetic.
		r = types.ArrayOf(types.Uint8, int(x.Size))
	case *btf.Enum:
		r = enumType(x, alias)
	case *btf.Pointer:
		r = types.PointerTo(c.pointee(x.Target), userPointee(x.Target))
	case *btf.Array:
		r = types.ArrayOf(c.conv(x.Type), int(x.Nelems))
	case *btf.Struct, *btf.Union:
		return c.composite(t, alias)
	case *btf.Fwd:
		return c.stub(t, compositeName(t, alias))
	default: // void, function prototypes, variables
		return types.VoidT
	}
	c.cache[t] = r
	return r
}

// pointee converts a pointer's target: nil for void and functions, a stub
// for named structs and unions.
func (c *converter) pointee(t btf.Type) *types.Type {
	u, alias := underlying(t)
	switch x := u.(type) {
	case *btf.Void, *btf.FuncProto:
		return nil
	case *btf.Struct, *btf.Union, *btf.Fwd:
		if x.TypeName() != "" || alias != "" {
			return c.stub(u, compositeName(u, alias))
		}
	}
	return c.conv(t)
}

// stub returns the shallow stand-in of a struct or union: name and size,
// no fields. Complete expands it.
func (c *converter) stub(t btf.Type, name string) *types.Type {
	c.init()
	if s, ok := c.stubs[t]; ok {
		return s
	}
	var size int
	switch x := t.(type) {
	case *btf.Struct:
		size = int(x.Size)
	case *btf.Union:
		size = int(x.Size)
	}
	s := &types.Type{Kind: types.Struct, Name: name, Size: size}
	c.stubs[t] = s
	c.stubOf[s] = t
	return s
}

func (c *converter) composite(t btf.Type, alias string) *types.Type {
	var size uint32
	var members []btf.Member
	switch x := t.(type) {
	case *btf.Struct:
		size, members = x.Size, x.Members
	case *btf.Union:
		size, members = x.Size, x.Members
	}
	r := &types.Type{Kind: types.Struct, Name: compositeName(t, alias), Size: int(size)}
	// Cache before the members: BTF cannot nest a struct in itself, but a
	// malformed blob must not recurse forever.
	c.cache[t] = r
	c.full[r] = t
	fields := make([]types.Field, 0, len(members))
	for _, m := range members {
		off := int(m.Offset)
		if m.Name == "" {
			// Anonymous struct or union: its members belong to the parent,
			// as in C. Unnamed bitfields are padding and are dropped.
			if u, _ := underlying(m.Type); isComposite(u) {
				for _, f := range c.conv(m.Type).Fields {
					f.Offset += off / 8
					fields = append(fields, f)
				}
			}
			continue
		}
		f := types.Field{Name: m.Name, Offset: off / 8, Type: c.conv(m.Type)}
		if m.BitfieldSize > 0 {
			f.Offset, f.BitOff = types.BitfieldUnit(off, int(m.BitfieldSize), f.Type.Size)
			f.BitSize = int(m.BitfieldSize)
		}
		fields = append(fields, f)
	}
	r.Fields = fields
	return r
}

// stubOfFull returns the stub standing for a complete struct or union
// converted here, so every pointer to it has the same shallow pointee.
func (c *converter) stubOfFull(t *types.Type) *types.Type {
	if bt, ok := c.full[t]; ok && !strings.Contains(t.Name, "(anon)") {
		return c.stub(bt, t.Name)
	}
	return t
}

func isComposite(t btf.Type) bool {
	switch t.(type) {
	case *btf.Struct, *btf.Union:
		return true
	}
	return false
}

// compositeName is the sonde name of a struct or union: "struct x",
// "union x"; an anonymous one reached through a typedef takes the typedef's
// name (typedef struct {...} atomic_t is "atomic_t").
func compositeName(t btf.Type, alias string) string {
	if x, ok := t.(*btf.Fwd); ok && x.Kind == btf.FwdUnion {
		return types.CName("union", t.TypeName(), alias)
	}
	if _, ok := t.(*btf.Union); ok {
		return types.CName("union", t.TypeName(), alias)
	}
	return types.CName("struct", t.TypeName(), alias)
}

func intType(x *btf.Int) *types.Type {
	switch {
	case x.Encoding&btf.Bool != 0:
		return types.BoolT
	case x.Name == "char":
		// Signed on the architectures sonde supports; char arrays are
		// strings to the compiler either way.
		return types.Int8
	case x.Size == 1 || x.Size == 2 || x.Size == 4 || x.Size == 8:
		return types.IntType(int(x.Size), x.Encoding&btf.Signed != 0)
	}
	// __int128: keep the layout; there is no 16-byte integer.
	return types.ArrayOf(types.Uint8, int(x.Size))
}

func enumType(x *btf.Enum, alias string) *types.Type {
	name := types.CName("enum", x.Name, alias)
	e := &types.Type{Kind: types.Enum, Size: int(x.Size), Signed: x.Signed, Name: name,
		Enumerators: make(map[uint64]string, len(x.Values))}
	for _, v := range x.Values {
		if _, dup := e.Enumerators[v.Value]; !dup {
			e.Enumerators[v.Value] = v.Name
		}
	}
	return e
}
