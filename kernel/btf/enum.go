package kbtf

import (
	"sonde/types"
)

// enumIndex maps every enumerator name in vmlinux to its value and enum.
// Kernel constants such as TCP_FIN_WAIT1 live in anonymous enums, so no
// type-name lookup finds them; one walk over the encoded BTF does.
type enumIndex struct {
	raw    *rawBTF
	byName map[string]enumConst
	recs   map[uint32]rawType     // enum records by type ID
	types  map[uint32]*types.Type // converted enums by type ID
}

type enumConst struct {
	value uint64
	id    uint32 // the enum's type ID
}

// EnumValue resolves a bare identifier to a kernel enum constant. The
// value is the constant's bit pattern as an int64 (an unsigned 64-bit
// enum's large values wrap; enumType.Signed says how to read them).
// TASK_RUNNING and friends are #defines, not enums: they are not here.
// The first call builds the index (a few milliseconds for vmlinux) without
// loading the rest of the BTF machinery.
func (k *Kernel) EnumValue(name string) (value int64, enumType *types.Type, ok bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	idx, err := k.enumIndex()
	if err != nil {
		return 0, nil, false
	}
	c, ok := idx.byName[name]
	if !ok {
		return 0, nil, false
	}
	return int64(c.value), idx.enumType(c.id), true
}

func (k *Kernel) enumIndex() (*enumIndex, error) {
	if k.enums != nil {
		return k.enums, nil
	}
	// Only the encoded blob is needed, not cilium's index.
	raw, err := k.rawOf(k.base())
	if err != nil {
		return nil, err
	}
	idx := &enumIndex{raw: raw, byName: make(map[string]enumConst, 1<<14),
		recs: map[uint32]rawType{}, types: map[uint32]*types.Type{}}
	for t := range raw.all() {
		if k := t.kind(); k != kindEnum && k != kindEnum64 {
			continue
		}
		id := t.id
		idx.recs[id] = *t
		raw.enumerators(t, func(nameOff uint32, v uint64) {
			name := str(raw.name(nameOff))
			if _, dup := idx.byName[name]; !dup {
				idx.byName[name] = enumConst{v, id}
			}
		})
	}
	k.enums = idx
	return idx, nil
}

// enumType converts the enum with the given ID straight from the encoded
// BTF, the same way the converter does from cilium's types.
func (idx *enumIndex) enumType(id uint32) *types.Type {
	if t := idx.types[id]; t != nil {
		return t
	}
	t, ok := idx.recs[id]
	if !ok {
		return nil
	}
	name := "enum (anon)"
	if t.nameOff != 0 {
		name = "enum " + string(idx.raw.name(t.nameOff))
	}
	e := &types.Type{Kind: types.Enum, Size: int(t.sizeTyp), Signed: t.kflag(), Name: name,
		Enumerators: make(map[uint64]string, t.vlen())}
	idx.raw.enumerators(&t, func(nameOff uint32, v uint64) {
		if _, dup := e.Enumerators[v]; !dup {
			e.Enumerators[v] = string(idx.raw.name(nameOff))
		}
	})
	idx.types[id] = e
	return e
}
