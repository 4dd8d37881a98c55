package output

import (
	"golang.org/x/sys/unix"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
)

// AppendText appends v as bpftrace's text output renders it.
func AppendText(dst []byte, v Value, env *Env) []byte {
	env = envOr(env)
	switch v := v.(type) {
	case Int:
		return appendInt(dst, v)
	case Bool:
		return strconv.AppendBool(dst, bool(v))
	case String:
		dst = append(dst, v.S...)
		if v.Truncated {
			dst = append(dst, env.TruncTrailer...)
		}
		return dst
	case Buffer:
		return appendHexBuffer(dst, v, true, true)
	case Pointer:
		dst = append(dst, "0x"...)
		return strconv.AppendUint(dst, uint64(v), 16)
	case Array:
		dst = append(dst, '[')
		for i, e := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendText(dst, e, env)
		}
		return append(dst, ']')
	case Tuple:
		dst = append(dst, '(')
		for i, e := range v {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = AppendText(dst, e, env)
		}
		return append(dst, ')')
	case Record:
		if len(v.Fields) == 0 {
			return append(dst, "{}"...)
		}
		dst = append(dst, "{ "...)
		for i, e := range v.Fields {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = append(dst, '.')
			dst = append(dst, v.Names[i]...)
			dst = append(dst, " = "...)
			dst = AppendText(dst, e, env)
		}
		return append(dst, " }"...)
	case Enum:
		if v.Name != "" {
			return append(dst, v.Name...)
		}
		return strconv.AppendUint(dst, v.Num, 10)
	case None:
		return append(dst, "null"...)
	case KSym:
		return appendSym(dst, env, false, 0, uint64(v), false)
	case USym:
		return appendSym(dst, env, true, v.PID, v.Addr, false)
	case Stack:
		return appendStack(dst, v, env)
	case Timestamp:
		return append(dst, formatTimestamp(v, env)...)
	case Inet:
		return append(dst, inetString(v)...)
	case Username:
		if env.UserName != nil {
			return append(dst, env.UserName(uint64(v))...)
		}
		return strconv.AppendUint(dst, uint64(v), 10)
	case Probe:
		if env.ProbeName != nil {
			return append(dst, env.ProbeName(uint64(v))...)
		}
		return strconv.AppendUint(dst, uint64(v), 10)
	case Errno:
		return append(dst, strerror(int64(v))...)
	case SignalName:
		if name := unix.SignalName(syscall.Signal(v)); name != "" {
			return append(dst, name...)
		}
		return strconv.AppendInt(dst, int64(v), 10)
	case SyscallName:
		if env.SyscallName != nil {
			return append(dst, env.SyscallName(int64(v))...)
		}
		return strconv.AppendInt(dst, int64(v), 10)
	case MAC:
		const hex = "0123456789ABCDEF"
		for i, b := range v {
			if i > 0 {
				dst = append(dst, ':')
			}
			dst = append(dst, hex[b>>4], hex[b&15])
		}
		return dst
	}
	return dst
}

// TextString returns v as text.
func TextString(v Value, env *Env) string { return string(AppendText(nil, v, env)) }

func appendInt(dst []byte, v Int) []byte {
	if v.Signed {
		return strconv.AppendInt(dst, int64(v.Bits), 10)
	}
	return strconv.AppendUint(dst, v.Bits, 10)
}

// appendHexBuffer is bpftrace's hex_format_buffer: printable ASCII kept
// (keepASCII), other bytes as \xNN (escape) or as space-separated "NN".
func appendHexBuffer(dst []byte, b []byte, keepASCII, escape bool) []byte {
	const hex = "0123456789abcdef"
	for i, c := range b {
		switch {
		case keepASCII && c >= 32 && c <= 126:
			dst = append(dst, c)
		case escape:
			dst = append(dst, '\\', 'x', hex[c>>4], hex[c&15])
		default:
			dst = append(dst, hex[c>>4], hex[c&15])
			if i < len(b)-1 {
				dst = append(dst, ' ')
			}
		}
	}
	return dst
}

// appendSym prints a symbol as name (+off when showOff) or, unresolved, as
// a pointer (0x...).
func appendSym(dst []byte, env *Env, user bool, pid uint32, addr uint64, showOff bool) []byte {
	var name string
	var off uint64
	ok := false
	if env.Sym != nil {
		if user {
			name, off, ok = env.Sym.UserSym(pid, addr)
		} else {
			name, off, ok = env.Sym.KernelSym(addr)
		}
	}
	if !ok {
		return appendVoidPtr(dst, addr)
	}
	dst = append(dst, name...)
	if showOff {
		dst = append(dst, '+')
		dst = strconv.AppendUint(dst, off, 10)
	}
	return dst
}

// appendVoidPtr prints an address as C++ streams print a void *: 0x1f, or
// 0 for null.
func appendVoidPtr(dst []byte, addr uint64) []byte {
	if addr == 0 {
		return append(dst, '0')
	}
	dst = append(dst, "0x"...)
	return strconv.AppendUint(dst, addr, 16)
}

func inetString(v Inet) string {
	switch v.Family {
	case 2: // AF_INET
		return netip.AddrFrom4([4]byte(v.Addr[:4])).String()
	case 10: // AF_INET6
		return netip.AddrFrom16(v.Addr).String()
	}
	return ""
}

// strerror renders an errno as glibc does, from Go's table with the first
// letter capitalised ("Argument list too long").
func strerror(n int64) string {
	if n < 0 {
		n = -n
	}
	if n == 0 {
		return "Success"
	}
	s := syscall.Errno(n).Error()
	if strings.HasPrefix(s, "errno ") {
		return "Unknown error " + strconv.FormatInt(n, 10)
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
