package output

import (
	"bytes"

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
		return Int{Bits: types.ReadInt(b, t.Size, t.Signed), Signed: t.Signed}
	case types.Bool:
		return Bool(byteAt(b, 0) != 0)
	case types.String:
		return decodeString(b, t.Size)
	case types.Buffer:
		n := int(types.ReadUint(b, 4))
		data := types.Clip(b, 4, t.Size-4)
		if n < len(data) {
			data = data[:n]
		}
		return Buffer(append([]byte(nil), data...))
	case types.Pointer:
		return Pointer(types.ReadUint(b, 8))
	case types.Array:
		arr := make(Array, t.Len)
		sz := t.Elem.Size
		for i := range arr {
			arr[i] = Decode(t.Elem, types.Clip(b, i*sz, sz))
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
		n := types.ReadInt(b, t.Size, false)
		return Enum{Num: n, Name: t.Enumerators[n]}
	case types.KStack, types.UStack:
		return Stack{User: t.Kind == types.UStack, ID: types.ReadUint(b, 8),
			PID: uint32(types.ReadUint(types.Clip(b, 8, 4), 4)), Type: t}
	case types.KSym:
		return KSym(types.ReadUint(b, 8))
	case types.USym:
		return USym{Addr: types.ReadUint(b, 8), PID: uint32(types.ReadUint(types.Clip(b, 8, 4), 4))}
	case types.Timestamp:
		return Timestamp{NS: types.ReadUint(b, 8), Format: t.Format}
	case types.Inet:
		v := Inet{Family: uint32(types.ReadUint(b, 4))}
		copy(v.Addr[:], types.Clip(b, max(t.Size-16, 4), 16))
		return v
	case types.Username:
		return Username(types.ReadUint(b, 8))
	case types.Probe:
		return Probe(types.ReadUint(b, 8))
	case types.Errno:
		return Errno(types.ReadInt(b, sizeOr8(t), true))
	case types.SyscallName:
		return SyscallName(types.ReadInt(b, sizeOr8(t), true))
	case types.SignalName:
		return SignalName(types.ReadInt(b, sizeOr8(t), true))
	case types.Macaddr:
		var m MAC
		copy(m[:], types.Clip(b, 0, 6))
		return m
	}
	return None{}
}

func decodeField(f types.Field, b []byte) Value {
	if f.BitSize == 0 {
		return Decode(f.Type, types.Clip(b, f.Offset, f.Type.Size))
	}
	// A bitfield: shift the storage unit and mask, then sign-extend.
	raw := types.ReadUint(types.Clip(b, f.Offset, f.Type.Size), f.Type.Size)
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

// truncMark is stdlib.TruncMark: the last byte of a string str() cut.
const truncMark = 0xff

// decodeString follows bpftrace: a string that fills its whole capacity
// (no NUL inside it) was truncated.
func decodeString(b []byte, size int) String {
	s, trunc := stringBytes(b, size)
	return String{S: string(s), Truncated: trunc}
}

// stringBytes is decodeString without the copy: the string's bytes in b
// and whether it was truncated.
func stringBytes(b []byte, size int) ([]byte, bool) {
	b = types.Clip(b, 0, size)
	end := bytes.IndexByte(b, 0)
	switch {
	case end > 0 && b[end-1] == truncMark, end < 0 && len(b) > 0 && b[len(b)-1] == truncMark:
		// str() cut the string at its capacity and said so (the mark is
		// last, or before the padding of a wider map key).
		if end < 0 {
			end = len(b)
		}
		return b[:end-1], true
	case end < 0:
		// A char array filled to the end: all of it, marked truncated.
		return b, len(b) > 0
	}
	return b[:end], false
}

func sizeOr8(t *types.Type) int {
	if t.Size == 0 {
		return 8
	}
	return t.Size
}

func byteAt(b []byte, i int) byte {
	if i < len(b) {
		return b[i]
	}
	return 0
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
