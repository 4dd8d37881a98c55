package kbtf

import (
	"fmt"
	"strings"

	"github.com/cilium/ebpf/btf"
)

// CType renders a BTF type as a C declaration of name, the way libbpf's
// btf_dump does (and so bpftrace -lv): "struct file *", "const char *buf",
// "void (*destructor)(struct sk_buff *)", "char comm[16]". Type tags are
// left out.
func CType(t btf.Type, name string) string {
	var d dumper
	d.decl(t, name, 0)
	return d.String()
}

// dumper writes C declarations and definitions of BTF types.
type dumper struct{ strings.Builder }

func (d *dumper) indent(lvl int) {
	for range lvl {
		d.WriteByte('\t')
	}
}

// decl writes a declaration of fname with type t. It stacks the
// declarator chain (pointers, arrays, prototypes, qualifiers) down to the
// base type and writes it back out inside-out, as C syntax requires.
func (d *dumper) decl(t btf.Type, fname string, lvl int) {
	var stack []btf.Type
	for cur := t; ; {
		if tag, ok := cur.(*btf.TypeTag); ok {
			cur = tag.Type
			continue
		}
		stack = append(stack, cur)
		switch x := cur.(type) {
		case *btf.Pointer:
			cur = x.Target
		case *btf.Const:
			cur = x.Type
		case *btf.Volatile:
			cur = x.Type
		case *btf.Restrict:
			cur = x.Type
		case *btf.FuncProto:
			cur = x.Return
		case *btf.Array:
			cur = x.Type
		default:
			d.chain(stack, fname, lvl)
			return
		}
		if cur == nil {
			cur = (*btf.Void)(nil)
		}
	}
}

func isMod(t btf.Type) bool {
	switch t.(type) {
	case *btf.Const, *btf.Volatile, *btf.Restrict:
		return true
	}
	return false
}

// mods writes the qualifiers right above a base type ("const char")
// and pops them.
func (d *dumper) mods(stack *[]btf.Type) {
	for s := *stack; len(s) > 0 && isMod(s[len(s)-1]); s = s[:len(s)-1] {
		switch s[len(s)-1].(type) {
		case *btf.Const:
			d.WriteString("const ")
		case *btf.Volatile:
			d.WriteString("volatile ")
		case *btf.Restrict:
			d.WriteString("restrict ")
		}
		*stack = s[:len(s)-1]
	}
}

func dropMods(stack []btf.Type) []btf.Type {
	for len(stack) > 0 && isMod(stack[len(stack)-1]) {
		stack = stack[:len(stack)-1]
	}
	return stack
}

func (d *dumper) name(fname string, lastWasPtr bool) {
	if fname != "" && !lastWasPtr {
		d.WriteByte(' ')
	}
	d.WriteString(fname)
}

func (d *dumper) chain(stack []btf.Type, fname string, lvl int) {
	lastWasPtr := true
	for len(stack) > 0 {
		t := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch x := t.(type) {
		case *btf.Void:
			d.mods(&stack)
			d.WriteString("void")
		case *btf.Int:
			d.mods(&stack)
			d.WriteString(x.Name)
		case *btf.Float:
			d.mods(&stack)
			d.WriteString(x.Name)
		case *btf.Typedef:
			d.mods(&stack)
			d.WriteString(x.Name)
		case *btf.Struct, *btf.Union:
			d.mods(&stack)
			if t.TypeName() == "" {
				d.structDef(t, lvl)
			} else {
				d.WriteString(compositeName(t, ""))
			}
		case *btf.Fwd:
			d.mods(&stack)
			d.WriteString(compositeName(t, ""))
		case *btf.Enum:
			d.mods(&stack)
			if x.Name == "" {
				d.enumDef(x, lvl)
			} else {
				d.WriteString("enum " + x.Name)
			}
		case *btf.Pointer:
			if lastWasPtr {
				d.WriteString("*")
			} else {
				d.WriteString(" *")
			}
		case *btf.Const:
			d.WriteString(" const")
		case *btf.Volatile:
			d.WriteString(" volatile")
		case *btf.Restrict:
			d.WriteString(" restrict")
		case *btf.Array:
			stack = dropMods(stack)
			if len(stack) == 0 {
				d.name(fname, lastWasPtr)
				fmt.Fprintf(d, "[%d]", x.Nelems)
				return
			}
			_, multidim := stack[len(stack)-1].(*btf.Array)
			if fname != "" && !lastWasPtr {
				d.WriteByte(' ')
			}
			if !multidim {
				d.WriteByte('(')
			}
			d.chain(stack, fname, lvl)
			if !multidim {
				d.WriteByte(')')
			}
			fmt.Fprintf(d, "[%d]", x.Nelems)
			return
		case *btf.FuncProto:
			stack = dropMods(stack)
			if len(stack) > 0 {
				d.WriteString(" (")
				d.chain(stack, fname, lvl)
				d.WriteString(")")
			} else {
				d.name(fname, lastWasPtr)
			}
			d.params(x, lvl)
			return
		default:
			fmt.Fprintf(d, "/* %T */", t)
		}
		_, lastWasPtr = t.(*btf.Pointer)
	}
	d.name(fname, lastWasPtr)
}

func (d *dumper) params(fp *btf.FuncProto, lvl int) {
	d.WriteByte('(')
	for i, p := range fp.Params {
		if i > 0 {
			d.WriteString(", ")
		}
		if _, void := p.Type.(*btf.Void); void && i == len(fp.Params)-1 {
			d.WriteString("...")
			break
		}
		d.decl(p.Type, p.Name, lvl)
	}
	d.WriteByte(')')
}

// structDef writes a struct or union definition as btf_dump does,
// including the explicit padding (long: 64;) that keeps its layout.
func (d *dumper) structDef(t btf.Type, lvl int) {
	var members []btf.Member
	var size uint32
	_, isStruct := t.(*btf.Struct)
	switch x := t.(type) {
	case *btf.Struct:
		members, size = x.Members, x.Size
	case *btf.Union:
		members, size = x.Members, x.Size
	}
	align := alignOf(t)
	packed := isStruct && isPacked(members, size)
	kw := "union"
	if isStruct {
		kw = "struct"
	}
	d.WriteString(kw)
	if n := t.TypeName(); n != "" {
		d.WriteString(" " + n)
	}
	d.WriteString(" {")
	off, prevBitfield := 0, false
	for _, m := range members {
		mOff, mBits := int(m.Offset), int(m.BitfieldSize)
		mAlign := alignOf(m.Type)
		if packed {
			mAlign = 1
		}
		d.padding(off, mOff, mAlign, prevBitfield && mBits != 0, lvl+1)
		d.WriteByte('\n')
		d.indent(lvl + 1)
		d.decl(m.Type, m.Name, lvl+1)
		if mBits != 0 {
			fmt.Fprintf(d, ": %d", mBits)
			off, prevBitfield = mOff+mBits, true
		} else {
			sz, _ := btf.Sizeof(m.Type)
			off, prevBitfield = mOff+max(sz, 0)*8, false
		}
		d.WriteByte(';')
	}
	if isStruct {
		d.padding(off, int(size)*8, align, false, lvl+1)
	}
	if len(members) > 0 || size > 0 {
		d.WriteByte('\n')
		d.indent(lvl)
	}
	d.WriteByte('}')
	if packed {
		d.WriteString(" __attribute__((packed))")
	}
}

var pads = []struct {
	name string
	bits int
}{{"long", 64}, {"int", 32}, {"short", 16}, {"char", 8}}

func roundup(x, to int) int { return (x + to - 1) / to * to }

// padding writes anonymous bitfields covering the bits [cur, next) that
// natural alignment would not produce by itself (libbpf's algorithm).
func (d *dumper) padding(cur, next, nextAlign int, inBitfield bool, lvl int) {
	if cur >= next {
		return
	}
	var newOff, padBits int
	var padType string
	for _, p := range pads {
		padType, padBits = p.name, p.bits
		if newOff = roundup(cur, padBits); newOff <= next {
			break
		}
	}
	pad := func(typ string, bits int) {
		d.WriteByte('\n')
		d.indent(lvl)
		fmt.Fprintf(d, "%s: %d;", typ, bits)
	}
	if newOff > cur && newOff <= next {
		if inBitfield ||
			(newOff == next && roundup(cur, nextAlign*8) != newOff) ||
			(newOff != next && next-newOff <= newOff-cur) {
			if inBitfield {
				pad(padType, newOff-cur)
			} else {
				pad(padType, 0)
			}
		}
		cur = newOff
	}
	for cur != next {
		bits := min(next-cur, padBits)
		if bits == padBits {
			pad(padType, padBits)
			cur += bits
			continue
		}
		for i := len(pads) - 1; i >= 0; i-- {
			padType, padBits = pads[i].name, pads[i].bits
			if padBits < bits {
				continue
			}
			pad(padType, bits)
			cur += bits
			break
		}
	}
}

func (d *dumper) enumDef(e *btf.Enum, lvl int) {
	d.WriteString("enum")
	if e.Name != "" {
		d.WriteString(" " + e.Name)
	}
	if len(e.Values) == 0 {
		return
	}
	d.WriteString(" {")
	for _, v := range e.Values {
		d.WriteByte('\n')
		d.indent(lvl + 1)
		switch {
		case e.Size == 8 && e.Signed:
			fmt.Fprintf(d, "%s = %dLL,", v.Name, int64(v.Value))
		case e.Size == 8:
			fmt.Fprintf(d, "%s = %dULL,", v.Name, v.Value)
		case e.Signed:
			fmt.Fprintf(d, "%s = %d,", v.Name, int32(v.Value))
		default:
			fmt.Fprintf(d, "%s = %d,", v.Name, uint32(v.Value))
		}
	}
	d.WriteByte('\n')
	d.indent(lvl)
	d.WriteByte('}')
	switch e.Size {
	case 1:
		d.WriteString(" __attribute__((mode(byte)))")
	case 8:
		d.WriteString(" __attribute__((mode(word)))")
	}
}

// alignOf is a type's alignment as libbpf computes it: 1 for a packed
// struct, whose members sit at offsets their types would not allow.
func alignOf(t btf.Type) int {
	switch x := t.(type) {
	case *btf.Int:
		return min(int(x.Size), 8)
	case *btf.Enum:
		return min(int(x.Size), 8)
	case *btf.Float:
		return min(int(x.Size), 8)
	case *btf.Pointer:
		return 8
	case *btf.Array:
		return alignOf(x.Type)
	case *btf.Typedef:
		return alignOf(x.Type)
	case *btf.Const:
		return alignOf(x.Type)
	case *btf.Volatile:
		return alignOf(x.Type)
	case *btf.Restrict:
		return alignOf(x.Type)
	case *btf.TypeTag:
		return alignOf(x.Type)
	case *btf.Struct:
		return compositeAlign(x.Members, x.Size)
	case *btf.Union:
		return compositeAlign(x.Members, x.Size)
	}
	return 1
}

func compositeAlign(members []btf.Member, size uint32) int {
	maxAlign := 1
	for _, m := range members {
		a := alignOf(m.Type)
		maxAlign = max(maxAlign, a)
		if m.BitfieldSize == 0 && int(m.Offset)%(8*a) != 0 {
			return 1
		}
	}
	if int(size)%maxAlign != 0 {
		return 1
	}
	return maxAlign
}

func isPacked(members []btf.Member, size uint32) bool {
	maxAlign := 1
	for _, m := range members {
		a := alignOf(m.Type)
		if m.BitfieldSize == 0 && int(m.Offset)%(8*a) != 0 {
			return true
		}
		maxAlign = max(maxAlign, a)
	}
	return int(size)%maxAlign != 0
}
