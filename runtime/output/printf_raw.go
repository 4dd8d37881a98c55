package output

import (
	"strconv"

	"sonde/types"
)

// AppendRaw formats an event payload laid out as the tuple t (an Action's
// Args) like Append(dst, DecodeArgs(t, payload), env), but reads integers
// and strings straight from the payload: the common printf events cost no
// allocation. Other values are decoded as Append would.
func (f *Format) AppendRaw(dst []byte, t *types.Type, payload []byte, env *Env) []byte {
	env = envOr(env)
	var fields []types.Field
	if t != nil {
		fields = t.Fields
	}
	for i := range f.specs {
		s := &f.specs[i]
		dst = append(dst, f.text[i]...)
		if i >= len(fields) {
			continue
		}
		fd := &fields[i]
		switch {
		case fd.BitSize != 0:
			dst = s.apply(dst, decodeField(*fd, payload), env)
		case fd.Type.Kind == types.Int:
			b := slice(payload, fd.Offset, fd.Type.Size)
			dst = s.applyInt(dst, readInt(b, fd.Type.Size, fd.Type.Signed), fd.Type.Signed, env)
		case fd.Type.Kind == types.String && s.verb == "s":
			dst = s.applyString(dst, slice(payload, fd.Offset, fd.Type.Size), fd.Type.Size, env)
		default:
			dst = s.apply(dst, decodeField(*fd, payload), env)
		}
	}
	return append(dst, f.text[len(f.text)-1]...)
}

// applyInt is apply for an Int value, without boxing it.
func (s *spec) applyInt(dst []byte, n uint64, signed bool, env *Env) []byte {
	start := len(dst)
	switch s.verb {
	case "d", "i":
		return s.appendSigned(dst, n)
	case "u", "o", "x", "X":
		return s.appendUnsignedVerb(dst, n)
	case "c":
		dst = append(dst, byte(n))
	case "p":
		dst = appendVoidPtr(dst, n)
	case "s":
		if signed && int64(n) >= 0 && s.plus {
			dst = append(dst, '+') // showpos applies to signed integers
		}
		dst = appendInt(dst, Int{Bits: n, Signed: signed})
		if s.prec >= 0 && len(dst)-start > s.prec {
			dst = dst[:start+s.prec]
		}
	default:
		return s.apply(dst, Int{Bits: n, Signed: signed}, env)
	}
	return s.pad(dst, start)
}

// applyString is apply for a String value of capacity size held in b,
// without copying it into a Go string.
func (s *spec) applyString(dst []byte, b []byte, size int, env *Env) []byte {
	start := len(dst)
	b, truncated := stringBytes(b, size)
	dst = append(dst, b...)
	if truncated {
		dst = append(dst, env.TruncTrailer...)
	}
	if s.prec >= 0 && len(dst)-start > s.prec {
		dst = dst[:start+s.prec]
	}
	return s.pad(dst, start)
}

// appendSigned formats n for %d and %i.
func (s *spec) appendSigned(dst []byte, n uint64) []byte {
	x := signedCast(n, s.length)
	sign := ""
	switch {
	case x < 0:
		sign = "-"
	case s.plus:
		sign = "+"
	case s.space:
		sign = " "
	}
	mag := uint64(x)
	if x < 0 {
		mag = uint64(-x)
	}
	var tmp [24]byte
	return s.padNumber(dst, sign, strconv.AppendUint(tmp[:0], mag, 10))
}

// appendUnsignedVerb formats n for %u, %o, %x and %X.
func (s *spec) appendUnsignedVerb(dst []byte, n uint64) []byte {
	var tmp [32]byte
	digits := s.appendUnsigned(tmp[:0], unsignedCast(n, s.length))
	prefix := ""
	if s.alt && n != 0 && (s.verb == "x" || s.verb == "X") {
		prefix, digits = "0x", digits[2:]
		if s.verb == "X" {
			prefix = "0X"
		}
	}
	return s.padNumber(dst, prefix, digits)
}
