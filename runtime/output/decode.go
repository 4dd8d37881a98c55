package output

import (
	"bytes"
	"encoding/binary"

	"sonde/types"
)

// Decode turns little-endian bytes laid out per t into a Value. Short input
// reads as zeros, so a truncated record never panics.
func Decode(t *types.Type, b []byte) Value {
	if t == nil {
		return None{}
	}
	switch t.Kind {
	case types.Int, types.Cgroup:
		return Int{Bits: readInt(b, t.Size, t.Signed), Signed: t.Signed}
	case types.Bool:
		return Bool(byteAt(b, 0) != 0)
	case types.String:
		return decodeString(b, t.Size)
	case types.Buffer:
		n := int(readUint(b, 4))
		data := slice(b, 4, t.Size-4)
		if n < len(data) {
			data = data[:n]
		}
		return Buffer(append([]byte(nil), data...))
	case types.Pointer:
		return Pointer(readUint(b, 8))
	case types.Array:
		arr := make(Array, t.Len)
		sz := t.Elem.Size
		for i := range arr {
			arr[i] = Decode(t.Elem, slice(b, i*sz, sz))
		}
		return arr
	case types.Tuple:
		tup := make(Tuple, len(t.Fields))
		for i, f := range t.Fields {
			tup[i] = decodeField(f, b)
		}
		return tup
	case types.Record, types.Struct:
		r := Record{Names: make([]string, len(t.Fields)), Fields: make([]Value, len(t.Fields))}
		for i, f := range t.Fields {
			r.Names[i] = f.Name
			r.Fields[i] = decodeField(f, b)
		}
		return r
	case types.Enum:
		n := readInt(b, t.Size, false)
		return Enum{Num: n, Name: t.Enumerators[n]}
	case types.KStack, types.UStack:
		return Stack{User: t.Kind == types.UStack, ID: readUint(b, 8),
			PID: uint32(readUint(slice(b, 8, 4), 4)), Type: t}
	case types.KSym:
		return KSym(readUint(b, 8))
	case types.USym:
		return USym{Addr: readUint(b, 8), PID: uint32(readUint(slice(b, 8, 4), 4))}
	case types.Timestamp:
		return Timestamp{NS: readUint(b, 8), Format: t.Format}
	case types.Inet:
		v := Inet{Family: uint32(readUint(b, 4))}
		copy(v.Addr[:], slice(b, max(t.Size-16, 4), 16))
		return v
	case types.Username:
		return Username(readUint(b, 8))
	case types.Probe:
		return Probe(readUint(b, 8))
	case types.Errno:
		return Errno(readInt(b, sizeOr8(t), true))
	case types.SyscallName:
		return SyscallName(readInt(b, sizeOr8(t), true))
	case types.SignalName:
		return SignalName(readInt(b, sizeOr8(t), true))
	case types.Macaddr:
		var m MAC
		copy(m[:], slice(b, 0, 6))
		return m
	}
	return None{}
}

func decodeField(f types.Field, b []byte) Value {
	if f.BitSize == 0 {
		return Decode(f.Type, slice(b, f.Offset, f.Type.Size))
	}
	// A bitfield: shift the storage unit and mask, then sign-extend.
	raw := readUint(slice(b, f.Offset, f.Type.Size), f.Type.Size)
	v := raw >> uint(f.BitOff)
	if f.BitSize < 64 {
		v &= 1<<uint(f.BitSize) - 1
		if f.Type.Signed && v&(1<<uint(f.BitSize-1)) != 0 {
			v |= ^uint64(0) << uint(f.BitSize)
		}
	}
	if f.Type.Kind == types.Enum {
		return Enum{Num: v, Name: f.Type.Enumerators[v]}
	}
	if f.Type.Kind == types.Bool {
		return Bool(v != 0)
	}
	return Int{Bits: v, Signed: f.Type.Signed}
}

// decodeString follows bpftrace: a string that fills its whole capacity
// (no NUL inside it) was truncated.
// truncMark is stdlib.TruncMark: the last byte of a string str() cut.
const truncMark = 0xff

func decodeString(b []byte, size int) String {
	b = slice(b, 0, size)
	end := bytes.IndexByte(b, 0)
	switch {
	case end > 0 && b[end-1] == truncMark, end < 0 && len(b) > 0 && b[len(b)-1] == truncMark:
		// str() cut the string at its capacity and said so (the mark is
		// last, or before the padding of a wider map key).
		if end < 0 {
			end = len(b)
		}
		return String{S: string(b[:end-1]), Truncated: true}
	case end < 0:
		// A char array filled to the end: all of it, marked truncated.
		return String{S: string(b), Truncated: len(b) > 0}
	}
	return String{S: string(b[:end])}
}

func sizeOr8(t *types.Type) int {
	if t.Size == 0 {
		return 8
	}
	return t.Size
}

// slice returns b[off:off+n] clipped to b, so short input reads as absent.
func slice(b []byte, off, n int) []byte {
	if off >= len(b) || n <= 0 {
		return nil
	}
	end := min(off+n, len(b))
	return b[off:end]
}

func byteAt(b []byte, i int) byte {
	if i < len(b) {
		return b[i]
	}
	return 0
}

// readUint reads a little-endian unsigned integer of size bytes.
func readUint(b []byte, size int) uint64 {
	if len(b) >= 8 && size >= 8 {
		return binary.LittleEndian.Uint64(b)
	}
	var v uint64
	for i := min(size, len(b), 8) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// readInt reads an integer of size bytes, sign-extending when signed.
func readInt(b []byte, size int, signed bool) uint64 {
	if size == 8 && len(b) >= 8 {
		return binary.LittleEndian.Uint64(b)
	}
	v := readUint(b, size)
	if signed && size > 0 && size < 8 {
		shift := uint(64 - 8*size)
		v = uint64(int64(v<<shift) >> shift)
	}
	return v
}

// DecodeArgs decodes an event payload laid out as the tuple t (an
// Action's Args) into its fields, ready for Sprintf.
func DecodeArgs(t *types.Type, b []byte) []Value {
	if t == nil {
		return nil
	}
	args := make([]Value, len(t.Fields))
	for i, f := range t.Fields {
		args[i] = decodeField(f, b)
	}
	return args
}
