package kbtf

import (
	"unsafe"
)

// typeIndex holds the names of one source's named types by kind, for
// suggestions and listings. Built on first use by walking the encoded BTF.
type typeIndex struct {
	byKind map[int][]string // ID order; enum64 is filed under kindEnum
}

// str views b as a string without copying: the BTF blobs are never
// modified once loaded (FromBytes documents this), and kept alive by their
// source.
func str(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

func (k *Kernel) indexOf(src *source) (*typeIndex, error) {
	if src.idx != nil {
		return src.idx, nil
	}
	raw, err := k.rawOf(src)
	if err != nil {
		return nil, err
	}
	idx := &typeIndex{byKind: map[int][]string{}}
	for t := range raw.all() {
		if t.nameOff == 0 {
			continue
		}
		kind := t.kind()
		switch kind {
		case kindEnum64:
			kind = kindEnum
		case kindStruct, kindUnion, kindEnum, kindTypedef, kindInt, kindFunc, kindFwd:
		default:
			continue
		}
		idx.byKind[kind] = append(idx.byKind[kind], str(raw.name(t.nameOff)))
	}
	src.idx = idx
	return idx, nil
}

// names is the set of indexes over vmlinux and the loaded modules.
type names []*typeIndex

func (k *Kernel) nameIndex() (names, error) {
	srcs, err := k.sources()
	if err != nil {
		return nil, err
	}
	var out names
	for _, s := range srcs {
		idx, err := k.indexOf(s)
		if err != nil {
			return nil, err
		}
		out = append(out, idx)
	}
	return out, nil
}

func (n names) names(kind int) []string {
	if len(n) == 1 {
		return n[0].byKind[kind]
	}
	var all []string
	for _, idx := range n {
		all = append(all, idx.byKind[kind]...)
	}
	return all
}

func (n names) has(kind int, name string) bool {
	for _, idx := range n {
		for _, s := range idx.byKind[kind] {
			if s == name {
				return true
			}
		}
	}
	return false
}
