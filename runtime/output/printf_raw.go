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
	for i := range f.Specs {
		s := (*spec)(&f.Specs[i])
		dst = append(dst, f.Text[i]...)
		if i >= len(fields) {
			continue
		}
		fd := &fields[i]
		switch {
		case fd.BitSize != 0:
			dst = s.apply(dst, decodeField(*fd, payload), env)
		case fd.Type.Kind == types.Int:
			b := types.Clip(payload, fd.Offset, fd.Type.Size)
			dst = s.applyInt(dst, types.ReadInt(b, fd.Type.Size, fd.Type.Signed), fd.Type.Signed, env)
		case fd.Type.Kind == types.String && s.Verb == "s":
			dst = s.applyString(dst, types.Clip(payload, fd.Offset, fd.Type.Size), fd.Type.Size, env)
		default:
			dst = s.apply(dst, decodeField(*fd, payload), env)
		}
	}
	return append(dst, f.Text[len(f.Text)-1]...)
}

// applyInt is apply for an Int value, without boxing it.
func (s *spec) applyInt(dst []byte, n uint64, signed bool, env *Env) []byte {
	start := len(dst)
	switch s.Verb {
	case "d", "i":
		return s.appendSigned(dst, n)
	case "u", "o", "x", "X":
		return s.appendUnsignedVerb(dst, n)
	case "c":
		dst = append(dst, byte(n))
	case "p":
		dst = appendVoidPtr(dst, n)
	case "s":
		if signed && int64(n) >= 0 && s.Plus {
			dst = append(dst, '+') // showpos applies to signed integers
		}
		dst = appendInt(dst, Int{Bits: n, Signed: signed})
		if s.Prec >= 0 && len(dst)-start > s.Prec {
			dst = dst[:start+s.Prec]
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
	if s.Prec >= 0 && len(dst)-start > s.Prec {
		dst = dst[:start+s.Prec]
	}
	return s.pad(dst, start)
}

// appendSigned formats n for %d and %i.
func (s *spec) appendSigned(dst []byte, n uint64) []byte {
	x := signedCast(n, s.Length)
	sign := ""
	switch {
	case x < 0:
		sign = "-"
	case s.Plus:
		sign = "+"
	case s.Space:
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
	digits := s.appendUnsigned(tmp[:0], unsignedCast(n, s.Length))
	prefix := ""
	if s.Alt && n != 0 && (s.Verb == "x" || s.Verb == "X") {
		prefix, digits = "0x", digits[2:]
		if s.Verb == "X" {
			prefix = "0X"
		}
	}
	return s.padNumber(dst, prefix, digits)
}
