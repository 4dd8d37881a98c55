package kbtf

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// rawBTF walks the encoded BTF directly. cilium/ebpf inflates a type with
// everything it references, so scanning all types through it (to list
// functions or find an enumerator) costs ~160 ms and ~40 MB; walking the
// records here costs a few milliseconds and allocates only what is kept.
type rawBTF struct {
	order   binary.ByteOrder
	types   []byte  // the type section
	strs    []byte  // this blob's string section
	base    *rawBTF // vmlinux for module (split) BTF
	firstID uint32  // ID of the first type in types
}

// BTF kinds (include/uapi/linux/btf.h).
const (
	kindInt       = 1
	kindPtr       = 2
	kindArray     = 3
	kindStruct    = 4
	kindUnion     = 5
	kindEnum      = 6
	kindFwd       = 7
	kindTypedef   = 8
	kindVolatile  = 9
	kindConst     = 10
	kindRestrict  = 11
	kindFunc      = 12
	kindFuncProto = 13
	kindVar       = 14
	kindDatasec   = 15
	kindFloat     = 16
	kindDeclTag   = 17
	kindTypeTag   = 18
	kindEnum64    = 19
)

// rawType is one decoded type record header.
type rawType struct {
	id      uint32
	nameOff uint32
	info    uint32
	sizeTyp uint32 // size or referenced type
	data    []byte // the kind-specific data after the header
}

func (t *rawType) kind() int   { return int(t.info>>24) & 0x1f }
func (t *rawType) vlen() int   { return int(t.info & 0xffff) }
func (t *rawType) kflag() bool { return t.info>>31 == 1 }

// parseRaw decodes the BTF header of blob (raw BTF, or an ELF file with a
// .BTF section) and returns the type and string sections.
func parseRaw(blob []byte, base *rawBTF) (*rawBTF, error) {
	if len(blob) >= 4 && string(blob[:4]) == elf.ELFMAG {
		f, err := elf.NewFile(bytes.NewReader(blob))
		if err != nil {
			return nil, err
		}
		sec := f.Section(".BTF")
		if sec == nil {
			return nil, errors.New("ELF file has no .BTF section")
		}
		if blob, err = sec.Data(); err != nil {
			return nil, err
		}
	}
	if len(blob) < 24 {
		return nil, errors.New("BTF blob too short")
	}
	var order binary.ByteOrder
	switch {
	case binary.LittleEndian.Uint16(blob) == 0xeB9F:
		order = binary.LittleEndian
	case binary.BigEndian.Uint16(blob) == 0xeB9F:
		order = binary.BigEndian
	default:
		return nil, errors.New("not BTF: bad magic")
	}
	hdrLen := uint64(order.Uint32(blob[4:]))
	typeOff, typeLen := uint64(order.Uint32(blob[8:])), uint64(order.Uint32(blob[12:]))
	strOff, strLen := uint64(order.Uint32(blob[16:])), uint64(order.Uint32(blob[20:]))
	body := uint64(len(blob)) - hdrLen
	if hdrLen > uint64(len(blob)) || typeOff+typeLen > body || strOff+strLen > body {
		return nil, errors.New("BTF header out of bounds")
	}
	r := &rawBTF{
		order:   order,
		types:   blob[hdrLen+typeOff : hdrLen+typeOff+typeLen],
		strs:    blob[hdrLen+strOff : hdrLen+strOff+strLen],
		base:    base,
		firstID: 1,
	}
	if base != nil {
		r.firstID = base.nextID()
	}
	return r, nil
}

// nextID is one past the last type ID of r.
func (r *rawBTF) nextID() uint32 {
	n := r.firstID
	for range r.all() {
		n++
	}
	return n
}

// name returns the string at off, resolving split BTF offsets to the base.
func (r *rawBTF) name(off uint32) []byte {
	if r.base != nil {
		if n := uint32(len(r.base.strs)); off < n {
			return r.base.name(off)
		} else {
			off -= n
		}
	}
	if off >= uint32(len(r.strs)) {
		return nil
	}
	s := r.strs[off:]
	if i := bytes.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return s
}

// dataLen is the size of the kind-specific data following a type header.
func dataLen(kind, vlen int) (int, error) {
	switch kind {
	case kindInt, kindVar, kindDeclTag:
		return 4, nil
	case kindArray:
		return 12, nil
	case kindStruct, kindUnion, kindDatasec, kindEnum64:
		return 12 * vlen, nil
	case kindEnum, kindFuncProto:
		return 8 * vlen, nil
	case kindPtr, kindFwd, kindTypedef, kindVolatile, kindConst, kindRestrict,
		kindFunc, kindFloat, kindTypeTag:
		return 0, nil
	}
	return 0, fmt.Errorf("unknown BTF kind %d", kind)
}

// all iterates over every type record in ID order. A malformed record ends
// the walk: cilium/ebpf reports the error when the spec is loaded.
func (r *rawBTF) all() func(yield func(*rawType) bool) {
	return func(yield func(*rawType) bool) {
		var t rawType
		id := r.firstID
		for buf := r.types; len(buf) >= 12; id++ {
			t = rawType{
				id:      id,
				nameOff: r.order.Uint32(buf),
				info:    r.order.Uint32(buf[4:]),
				sizeTyp: r.order.Uint32(buf[8:]),
			}
			n, err := dataLen(t.kind(), t.vlen())
			if err != nil || 12+n > len(buf) {
				return
			}
			t.data = buf[12 : 12+n]
			buf = buf[12+n:]
			if !yield(&t) {
				return
			}
		}
	}
}

// enumerators calls fn for each enumerator of an ENUM or ENUM64 record.
func (r *rawBTF) enumerators(t *rawType, fn func(nameOff uint32, value uint64)) {
	signed := t.kflag()
	switch t.kind() {
	case kindEnum:
		for i := 0; i+8 <= len(t.data); i += 8 {
			v := uint64(r.order.Uint32(t.data[i+4:]))
			if signed {
				v = uint64(int64(int32(v)))
			}
			fn(r.order.Uint32(t.data[i:]), v)
		}
	case kindEnum64:
		for i := 0; i+12 <= len(t.data); i += 12 {
			lo, hi := r.order.Uint32(t.data[i+4:]), r.order.Uint32(t.data[i+8:])
			fn(r.order.Uint32(t.data[i:]), uint64(hi)<<32|uint64(lo))
		}
	}
}

// readBlob reads a BTF file. Files under /sys/kernel/btf are mapped instead:
// they are read-only, so the mapping cannot change under us, and pages are
// shared with the kernel rather than copied. The mapping is never unmapped:
// indexes built from it live as long as the Kernel.
func readBlob(path string) ([]byte, error) {
	if !strings.HasPrefix(path, sysBTF+"/") {
		return os.ReadFile(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > 0 {
		if b, err := unix.Mmap(int(f.Fd()), 0, int(st.Size()), unix.PROT_READ, unix.MAP_PRIVATE); err == nil {
			return b, nil
		}
	}
	return os.ReadFile(path)
}
