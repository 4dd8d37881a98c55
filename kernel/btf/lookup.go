package kbtf

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cilium/ebpf/btf"

	"sonde/types"
)

// Type returns the type named name: "struct task_struct", "union x",
// "enum e", a typedef ("u32", "pid_t", "size_t"), a C base type ("int",
// "unsigned long", "char", "void"), or any of these followed by "*"s.
// Structs and unions come complete; pointers inside them point to stubs.
// C base types need no BTF, so they never load it.
func (k *Kernel) Type(name string) (*types.Type, error) {
	name = strings.Join(strings.Fields(name), " ")
	// Pointers point to stubs, as they do inside structs.
	if t, ok, err := types.ResolvePointers(name, k.Type, k.stubOfFull, false); ok {
		return t, err
	}
	name = stripQualifiers(name)
	if t, ok := baseType(name); ok {
		return t, nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	bt, err := k.lookupType(name)
	if err != nil {
		return nil, err
	}
	if _, ok := bt.(*btf.Fwd); ok {
		return nil, fmt.Errorf("%s is only declared in BTF, never defined", name)
	}
	return k.conv.conv(bt), nil
}

func (k *Kernel) stubOfFull(t *types.Type) *types.Type {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.conv.stubOfFull(t)
}

// Complete returns the full conversion of a struct stub (as found behind
// pointers); other types are returned as they are.
func (k *Kernel) Complete(t *types.Type) (*types.Type, error) {
	if t == nil || t.Kind != types.Struct {
		return t, nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.complete(t)
}

func (k *Kernel) complete(t *types.Type) (*types.Type, error) {
	if _, full := k.conv.full[t]; t.Kind != types.Struct || full {
		return t, nil
	}
	if bt, ok := k.conv.stubOf[t]; ok {
		if _, fwd := bt.(*btf.Fwd); !fwd {
			return k.conv.conv(bt), nil
		}
	}
	if t.Name == "" || strings.Contains(t.Name, "(anon)") {
		return t, nil // a record or tuple built elsewhere, or unnamed
	}
	bt, err := k.lookupType(t.Name)
	if err != nil {
		return nil, err
	}
	if _, ok := bt.(*btf.Fwd); ok {
		return nil, fmt.Errorf("%s is only declared in BTF, never defined", t.Name)
	}
	return k.conv.conv(bt), nil
}

// lookupType finds the BTF type for a sonde type name in vmlinux and the
// loaded modules, preferring definitions over forward declarations.
func (k *Kernel) lookupType(name string) (btf.Type, error) {
	kind, bare := splitKind(name)
	srcs, err := k.sources()
	if err != nil {
		return nil, err
	}
	var fwd btf.Type
	for _, src := range srcs {
		cands, err := src.spec.AnyTypesByName(bare)
		if err != nil && !errors.Is(err, btf.ErrNotFound) {
			return nil, err
		}
		for _, c := range cands {
			switch x := c.(type) {
			case *btf.Struct:
				if kind == kindStruct {
					return c, nil
				}
			case *btf.Union:
				if kind == kindUnion {
					return c, nil
				}
			case *btf.Enum:
				if kind == kindEnum {
					return c, nil
				}
			case *btf.Typedef, *btf.Int:
				if kind == 0 {
					return c, nil
				}
			case *btf.Fwd:
				if (kind == kindStruct && x.Kind == btf.FwdStruct) || (kind == kindUnion && x.Kind == btf.FwdUnion) {
					fwd = c
				}
			}
		}
	}
	if fwd != nil {
		return fwd, nil
	}
	return nil, k.unknownType(name, kind, bare)
}

// unknownType builds the error for a missing type, suggesting names of the
// same kind, or the struct/union/enum the user forgot to say.
func (k *Kernel) unknownType(name string, kind int, bare string) error {
	e := &NotFoundError{What: "type", Name: name}
	idx, err := k.nameIndex()
	if err != nil {
		return e
	}
	prefix := map[int]string{kindStruct: "struct ", kindUnion: "union ", kindEnum: "enum "}
	if kind == 0 {
		for _, kk := range []int{kindStruct, kindUnion, kindEnum} {
			if idx.has(kk, bare) {
				e.Candidates = []string{prefix[kk] + bare}
				return e
			}
		}
		e.Candidates = suggest(bare, append(idx.names(kindTypedef), idx.names(kindInt)...))
		return e
	}
	for _, c := range suggest(bare, idx.names(kind)) {
		e.Candidates = append(e.Candidates, prefix[kind]+c)
	}
	if len(e.Candidates) == 0 && (kind == kindStruct || kind == kindUnion) {
		other := map[int]int{kindStruct: kindUnion, kindUnion: kindStruct}[kind]
		if idx.has(other, bare) {
			e.Candidates = []string{prefix[other] + bare}
		}
	}
	return e
}

// splitKind splits "struct x" into (kindStruct, "x"); plain names give 0.
func splitKind(name string) (int, string) {
	for kind, p := range map[int]string{kindStruct: "struct ", kindUnion: "union ", kindEnum: "enum "} {
		if bare, ok := strings.CutPrefix(name, p); ok {
			return kind, strings.TrimSpace(bare)
		}
	}
	return 0, name
}

func stripQualifiers(name string) string {
	for {
		n := strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(name, "const "), "volatile "), "restrict ")
		n = strings.TrimSuffix(strings.TrimSuffix(n, " const"), " volatile")
		if n == name {
			return strings.TrimSpace(n)
		}
		name = n
	}
}

// baseType parses C base type names ("unsigned long", "long unsigned int",
// "char", "_Bool", "void") with LP64 sizes.
func baseType(name string) (*types.Type, bool) {
	if name == "void" {
		return types.VoidT, true
	}
	var signed, unsigned, char, short, integer, boolean bool
	longs := 0
	for _, w := range strings.Fields(name) {
		switch w {
		case "signed":
			signed = true
		case "unsigned":
			unsigned = true
		case "char":
			char = true
		case "short":
			short = true
		case "int":
			integer = true
		case "long":
			longs++
		case "_Bool", "bool":
			boolean = true
		default:
			return nil, false
		}
	}
	switch {
	case boolean:
		return types.BoolT, !(signed || unsigned || char || short || integer || longs > 0)
	case char:
		return types.IntType(1, !unsigned), !(short || integer || longs > 0)
	case short:
		return types.IntType(2, !unsigned), longs == 0
	case longs > 0:
		return types.IntType(8, !unsigned), longs <= 2
	}
	return types.IntType(4, !unsigned), integer || signed || unsigned
}

// Field returns the member name of the struct or union t (a stub is
// completed first), looking through anonymous members as C does.
func (k *Kernel) Field(t *types.Type, name string) (types.Field, error) {
	if t == nil || t.Kind != types.Struct {
		return types.Field{}, fmt.Errorf("%s is not a struct or union", t)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	t, err := k.complete(t)
	if err != nil {
		return types.Field{}, err
	}
	for _, f := range t.Fields {
		if f.Name == name {
			return f, nil
		}
	}
	names := make([]string, len(t.Fields))
	for i, f := range t.Fields {
		names[i] = f.Name
	}
	return types.Field{}, &NotFoundError{What: "field", Name: name, In: t.Name,
		Candidates: suggest(name, names)}
}

// Offsetof returns the byte offset of a (nested) member: path ["f_path",
// "dentry"] is offsetof(struct file, f_path.dentry). It does not follow
// pointers, and bitfields have no byte offset.
func (k *Kernel) Offsetof(t *types.Type, path []string) (int, error) {
	off := 0
	for i, name := range path {
		if t == nil || t.Kind != types.Struct {
			return 0, fmt.Errorf("offsetof: %s is %s, not a struct or union",
				strings.Join(path[:i], "."), t)
		}
		f, err := k.Field(t, name)
		if err != nil {
			return 0, err
		}
		if f.BitSize > 0 {
			return 0, fmt.Errorf("offsetof: %s is a bitfield", strings.Join(path[:i+1], "."))
		}
		off += f.Offset
		t = f.Type
	}
	return off, nil
}

// Sizeof returns the size of t in bytes (a stub's size is already right).
func (k *Kernel) Sizeof(t *types.Type) (int, error) {
	if t == nil {
		return 0, errors.New("sizeof: no type")
	}
	if t.Kind == types.Struct && t.Size == 0 {
		c, err := k.Complete(t)
		if err != nil {
			return 0, err
		}
		return c.Size, nil
	}
	return t.Size, nil
}
