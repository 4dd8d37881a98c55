package types

import "encoding/binary"

// Reading integers laid out as a Type describes them: the decoder, the map
// merger and the aggregation catalogue share these. Short input reads as
// zeros, so a truncated record never panics.

// Clip returns b[off:off+n] clipped to b: nil when off is past the end.
func Clip(b []byte, off, n int) []byte {
	if off >= len(b) || n <= 0 {
		return nil
	}
	end := min(off+n, len(b))
	return b[off:end]
}

// ReadUint reads a little-endian unsigned integer of size bytes.
func ReadUint(b []byte, size int) uint64 {
	if len(b) >= 8 && size >= 8 {
		return binary.LittleEndian.Uint64(b)
	}
	var v uint64
	for i := min(size, len(b), 8) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// ReadInt reads an integer of size bytes, sign-extending when signed.
func ReadInt(b []byte, size int, signed bool) uint64 {
	if size == 8 && len(b) >= 8 {
		return binary.LittleEndian.Uint64(b)
	}
	v := ReadUint(b, size)
	if signed && size > 0 && size < 8 {
		shift := uint(64 - 8*size)
		v = uint64(int64(v<<shift) >> shift)
	}
	return v
}
