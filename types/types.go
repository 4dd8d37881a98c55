// Package types describes the values of the language and their memory layout,
// as the BPF program stores them in maps and event records. The compiler
// builds these descriptions; the runtime decodes bytes and prints values
// with them.
package types

import (
	"fmt"
	"strings"
)

// Kind is the kind of a value.
type Kind int

const (
	Void        Kind = iota
	Int              // Size 1, 2, 4 or 8; Signed
	Bool             // Size 1
	String           // NUL-terminated, Size is the capacity including the NUL
	Buffer           // buf(): Size bytes; the first 4 bytes hold the length
	Pointer          // Size 8; Elem is the pointee (nil for void *)
	Array            // Len elements of Elem
	Tuple            // Fields, unnamed
	Record           // Fields, named
	Struct           // a C struct or union from BTF (Name, Fields)
	Enum             // an integer printed by name where known (Name, Enumerators)
	KStack           // kernel stack id/frames; Stack describes it
	UStack           // user stack
	KSym             // kernel address printed as a symbol
	USym             // user address printed as a symbol (Size 16: addr, pid)
	Timestamp        // strftime(): Format is the strftime format; value is u64 ns (boot clock)
	Inet             // ntop(): 4-byte family + 16 bytes address
	Username         // uid printed as a user name
	Cgroup           // cgroup id (printed as number)
	Probe            // probe id (u64) printed as the probe's full name
	Errno            // strerror(): an int printed as the error string
	SyscallName      // syscall_name(): an int printed as the syscall name
	Macaddr          // 6 bytes printed as AA:BB:CC:DD:EE:FF
	SignalName       // signal_name(): an int printed as the signal's name
)

var kindNames = [...]string{
	Void: "void", Int: "int", Bool: "bool", String: "string", Buffer: "buffer",
	Pointer: "pointer", Array: "array", Tuple: "tuple", Record: "record",
	Struct: "struct", Enum: "enum", KStack: "kstack", UStack: "ustack",
	KSym: "ksym", USym: "usym", Timestamp: "timestamp", Inet: "inet",
	Username: "username", Cgroup: "cgroup", Probe: "probe", Errno: "errno",
	SyscallName: "syscall_name", Macaddr: "macaddr", SignalName: "signal_name",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// StackMode is how a stack prints (bpftrace's stack_mode).
type StackMode int

const (
	StackBpftrace StackMode = iota // "func+off" per line
	StackPerf                      // "\t<hexaddr> func+off"
	StackRaw                       // hex addresses
)

// Type is a value type with its layout. Types are compared structurally with
// Equal; build them with the constructors below.
type Type struct {
	Kind   Kind
	Size   int  // bytes in memory
	Signed bool // Int and Enum

	Elem *Type // Pointer, Array
	Len  int   // Array length

	Fields []Field // Tuple, Record, Struct (with offsets)
	Name   string  // Struct/Enum name as in BTF: "struct task_struct", "enum x"

	Enumerators map[uint64]string // Enum value names

	// Stacks: the in-kernel value is an 8-byte stack id (the key of the
	// frames in the hash map named StackMap; 0 for no stack) and, for user
	// stacks, the pid in the following 8 bytes.
	StackMode  StackMode
	StackLimit int
	StackMap   string

	Format string // Timestamp: the strftime format

	// Space says which address space a Pointer points into, so the compiler
	// picks probe_read_kernel or probe_read_user.
	User bool
}

// Field is a member of a tuple, record or struct.
type Field struct {
	Name    string // "" in tuples
	Offset  int    // byte offset in the parent
	Type    *Type
	BitOff  int // bitfields: bit offset within the storage unit at Offset
	BitSize int // 0 for a plain member
}

var (
	Int8    = &Type{Kind: Int, Size: 1, Signed: true}
	Int16   = &Type{Kind: Int, Size: 2, Signed: true}
	Int32   = &Type{Kind: Int, Size: 4, Signed: true}
	Int64   = &Type{Kind: Int, Size: 8, Signed: true}
	Uint8   = &Type{Kind: Int, Size: 1}
	Uint16  = &Type{Kind: Int, Size: 2}
	Uint32  = &Type{Kind: Int, Size: 4}
	Uint64  = &Type{Kind: Int, Size: 8}
	BoolT   = &Type{Kind: Bool, Size: 1}
	VoidT   = &Type{Kind: Void}
	KSymT   = &Type{Kind: KSym, Size: 8}
	USymT   = &Type{Kind: USym, Size: 16}
	ProbeT  = &Type{Kind: Probe, Size: 8}
	CgroupT = &Type{Kind: Cgroup, Size: 8}
)

// IntType returns the integer type of the given size and signedness.
func IntType(size int, signed bool) *Type {
	switch {
	case size == 1 && signed:
		return Int8
	case size == 1:
		return Uint8
	case size == 2 && signed:
		return Int16
	case size == 2:
		return Uint16
	case size == 4 && signed:
		return Int32
	case size == 4:
		return Uint32
	case signed:
		return Int64
	default:
		return Uint64
	}
}

// StringType returns a string type of capacity n bytes (including the NUL).
func StringType(n int) *Type { return &Type{Kind: String, Size: n} }

// PointerTo returns a pointer to elem (nil elem is void *).
func PointerTo(elem *Type, user bool) *Type {
	return &Type{Kind: Pointer, Size: 8, Elem: elem, User: user}
}

// ArrayOf returns an array of n elems.
func ArrayOf(elem *Type, n int) *Type {
	return &Type{Kind: Array, Size: elem.Size * n, Elem: elem, Len: n}
}

// TupleOf lays out elems as a tuple: each field aligned to its natural
// alignment (at most 8), the whole padded to a multiple of 8, as bpftrace
// lays out tuples.
func TupleOf(elems ...*Type) *Type {
	t := &Type{Kind: Tuple}
	t.Fields = layout(elems, nil)
	t.Size = sizeOf(t.Fields)
	return t
}

// RecordOf lays out named fields like a tuple.
func RecordOf(names []string, elems []*Type) *Type {
	t := &Type{Kind: Record}
	t.Fields = layout(elems, names)
	t.Size = sizeOf(t.Fields)
	return t
}

func layout(elems []*Type, names []string) []Field {
	fields := make([]Field, len(elems))
	off := 0
	for i, e := range elems {
		a := e.Align()
		off = (off + a - 1) / a * a
		fields[i] = Field{Offset: off, Type: e}
		if names != nil {
			fields[i].Name = names[i]
		}
		off += e.Size
	}
	return fields
}

func sizeOf(fields []Field) int {
	end := 0
	for _, f := range fields {
		end = f.Offset + f.Type.Size
	}
	return (end + 7) / 8 * 8
}

// Align is the natural alignment of t in bytes (1, 2, 4 or 8).
func (t *Type) Align() int {
	switch t.Kind {
	case Int, Enum, Bool:
		if t.Size >= 8 {
			return 8
		}
		if t.Size <= 0 {
			return 1
		}
		return t.Size
	case String, Buffer, Macaddr:
		return 1
	case Array:
		return t.Elem.Align()
	case Struct:
		a := 1
		for _, f := range t.Fields {
			if fa := f.Type.Align(); fa > a {
				a = fa
			}
		}
		return a
	default:
		return 8
	}
}

// IsInt reports whether t is an integer-like scalar that arithmetic applies to.
func (t *Type) IsInt() bool {
	return t != nil && (t.Kind == Int || t.Kind == Enum || t.Kind == Bool)
}

// IsScalar reports whether values of t fit in a register: integers and
// the integer-backed kinds (pointers, symbols, timestamps...).
func (t *Type) IsScalar() bool {
	switch t.Kind {
	case Int, Bool, Pointer, Enum, KSym, Timestamp, Cgroup, Probe:
		return true
	}
	return false
}

// Equal reports whether a and b are the same type.
func Equal(a, b *Type) bool {
	if a == b {
		return true
	}
	if a == nil || b == nil || a.Kind != b.Kind || a.Size != b.Size || a.Signed != b.Signed {
		return false
	}
	switch a.Kind {
	case Pointer, Array:
		if a.Len != b.Len {
			return false
		}
		if a.Elem == nil || b.Elem == nil {
			return a.Elem == b.Elem
		}
		return Equal(a.Elem, b.Elem)
	case Struct:
		// Named structs are equal by name: a pointer's shallow stub and the
		// fully converted struct are the same type.
		if a.Name != "" || b.Name != "" {
			return a.Name == b.Name
		}
		fallthrough
	case Tuple, Record:
		if a.Name != b.Name || len(a.Fields) != len(b.Fields) {
			return false
		}
		for i := range a.Fields {
			fa, fb := a.Fields[i], b.Fields[i]
			if fa.Name != fb.Name || fa.Offset != fb.Offset || !Equal(fa.Type, fb.Type) {
				return false
			}
		}
	case KStack, UStack:
		return a.StackMode == b.StackMode && a.StackLimit == b.StackLimit
	case Timestamp:
		return a.Format == b.Format
	case Enum:
		return a.Name == b.Name
	}
	return true
}

// String renders t as bpftrace names types: uint32, string[16], (int8,string[4]).
func (t *Type) String() string {
	if t == nil {
		return "none"
	}
	switch t.Kind {
	case Int:
		if t.Signed {
			return fmt.Sprintf("int%d", t.Size*8)
		}
		return fmt.Sprintf("uint%d", t.Size*8)
	case String:
		return fmt.Sprintf("string[%d]", t.Size)
	case Buffer:
		return fmt.Sprintf("buffer[%d]", t.Size)
	case Pointer:
		if t.Elem == nil {
			return "void *"
		}
		return t.Elem.String() + " *"
	case Array:
		return fmt.Sprintf("%s[%d]", t.Elem, t.Len)
	case Tuple, Record:
		var b strings.Builder
		b.WriteString("(")
		for i, f := range t.Fields {
			if i > 0 {
				b.WriteString(",")
			}
			if f.Name != "" {
				b.WriteString(f.Name + "=")
			}
			b.WriteString(f.Type.String())
		}
		b.WriteString(")")
		return b.String()
	case Struct, Enum:
		return t.Name
	}
	return t.Kind.String()
}

// BitfieldUnit places a bitfield of bits bits at bit offset off in a unit
// of size bytes (its declared type's size) so that it lies within bytes
// [offset, offset+size): the compiler loads size bytes at the returned
// byte offset, shifts right by the returned bit offset (little endian) and
// masks bits bits. The unit is naturally aligned when the field fits in an
// aligned unit, as C compilers place it.
func BitfieldUnit(off, bits, size int) (byteOff, bitOff int) {
	if size <= 0 || size > 8 || size&(size-1) != 0 {
		size = 8
	}
	start := (off / 8) &^ (size - 1)
	if off+bits <= (start+size)*8 {
		return start, off - start*8
	}
	return off / 8, off % 8
}

// CName names a C struct, union or enum (tag) as sonde prints it:
// "struct x"; an anonymous one takes the name of the typedef it was
// reached through (alias), else "struct (anon)".
func CName(tag, name, alias string) string {
	switch {
	case name != "":
		return tag + " " + name
	case alias != "":
		return alias
	}
	return tag + " (anon)"
}

// ResolvePointers resolves a type name ending in "*"s: base resolves the
// name without them, each "*" adds a pointer (void * points to nil), and
// stub gives the shallow stand-in a pointer to a complete struct points
// to. user says which address space the pointers point into.
func ResolvePointers(name string, base func(string) (*Type, error), stub func(*Type) *Type, user bool) (*Type, bool, error) {
	inner, ok := strings.CutSuffix(name, "*")
	if !ok {
		return nil, false, nil
	}
	elem, err := base(strings.TrimSpace(inner))
	if err != nil {
		return nil, true, err
	}
	switch elem.Kind {
	case Void:
		elem = nil
	case Struct:
		elem = stub(elem)
	}
	return PointerTo(elem, user), true, nil
}
