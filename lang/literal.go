package lang

import (
	"fmt"
	"math/bits"
	"strings"
)

// durations are the units of duration literals, in nanoseconds.
var durations = map[string]uint64{
	"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9, "d": 86400e9,
}

// ParseInt reads an integer literal as scripts write them (10, 0x1f,
// 1_000_000, 1e6), not a duration: a count in an attach point
// (software:cpu:1e6).
func ParseInt(text string) (uint64, error) {
	if _, rest := splitRun(strings.ReplaceAll(text, "_", ""), isDigit); durations[rest] != 0 {
		return 0, fmt.Errorf("`%s` is a duration, not a count", text)
	}
	return parseInt(text)
}

// parseInt decodes an integer or duration literal: 10, 0x1f, 017,
// 1_000_000, 2e3, 123UL, 100ms. The error says what is wrong with it.
func parseInt(text string) (uint64, error) {
	t := strings.ReplaceAll(text, "_", "")
	if strings.HasPrefix(t, "_") || t == "" {
		return 0, fmt.Errorf("invalid integer literal `%s`", text)
	}
	if len(t) >= 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X') {
		digits, suffix := splitRun(t[2:], isHexDigit)
		if digits == "" || !isIntSuffix(suffix) {
			return 0, fmt.Errorf("invalid hexadecimal literal `%s`", text)
		}
		return accumulate(text, digits, 16)
	}
	digits, rest := splitRun(t, isDigit)
	if strings.ContainsAny(rest, ".") || strings.ContainsAny(rest, "-+") {
		return 0, fmt.Errorf("invalid literal `%s`: floating point is not supported", text)
	}
	switch {
	case rest == "" || isIntSuffix(rest):
		if len(digits) > 1 && digits[0] == '0' {
			if strings.ContainsAny(digits, "89") {
				return 0, fmt.Errorf("invalid octal literal `%s`", text)
			}
			return accumulate(text, digits[1:], 8)
		}
		return accumulate(text, digits, 10)
	case durations[rest] != 0:
		v, err := accumulate(text, digits, 10)
		if err != nil {
			return 0, err
		}
		hi, lo := bits.Mul64(v, durations[rest])
		if hi != 0 {
			return 0, fmt.Errorf("duration `%s` is too large", text)
		}
		return lo, nil
	case rest[0] == 'e' || rest[0] == 'E':
		exp, suffix := splitRun(rest[1:], isDigit)
		if exp == "" || !isIntSuffix(suffix) {
			if strings.HasPrefix(rest[1:], "-") || strings.Contains(rest, ".") {
				return 0, fmt.Errorf("invalid literal `%s`: floating point is not supported", text)
			}
			return 0, fmt.Errorf("invalid integer literal `%s`", text)
		}
		v, err := accumulate(text, digits, 10)
		if err != nil {
			return 0, err
		}
		e, err := accumulate(text, exp, 10)
		if err != nil {
			return 0, err
		}
		for ; e > 0 && v != 0; e-- {
			hi, lo := bits.Mul64(v, 10)
			if hi != 0 {
				return 0, fmt.Errorf("integer literal `%s` is too large", text)
			}
			v = lo
		}
		return v, nil
	}
	return 0, fmt.Errorf("invalid integer literal `%s`", text)
}

func accumulate(text, digits string, base uint64) (uint64, error) {
	var v uint64
	for i := 0; i < len(digits); i++ {
		d := hexValue(digits[i])
		hi, lo := bits.Mul64(v, base)
		lo, carry := bits.Add64(lo, d, 0)
		if hi != 0 || carry != 0 {
			return 0, fmt.Errorf("integer literal `%s` is too large", text)
		}
		v = lo
	}
	return v, nil
}

func splitRun(s string, ok func(byte) bool) (string, string) {
	i := 0
	for i < len(s) && ok(s[i]) {
		i++
	}
	return s[:i], s[i:]
}

// isIntSuffix accepts the C suffixes bpftrace ignores: U, L, UL, LL, ULL.
func isIntSuffix(s string) bool {
	switch strings.ToLower(s) {
	case "", "u", "l", "ul", "lu", "ll", "ull", "llu":
		return true
	}
	return false
}

func isHexDigit(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func hexValue(c byte) uint64 {
	switch {
	case isDigit(c):
		return uint64(c - '0')
	case c >= 'a' && c <= 'f':
		return uint64(c-'a') + 10
	}
	return uint64(c-'A') + 10
}

// unquote decodes a string literal written with double quotes. On a bad
// escape it returns the byte offset of the backslash within raw.
func unquote(raw string) (string, int, error) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", 0, fmt.Errorf("unterminated string")
	}
	body := raw[1 : len(raw)-1]
	if strings.IndexByte(body, '\\') < 0 {
		return body, 0, nil
	}
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		at := i + 1
		i++
		if i >= len(body) {
			return "", at, fmt.Errorf("unfinished escape sequence")
		}
		switch e := body[i]; e {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'v':
			b.WriteByte('\v')
		case 'e':
			b.WriteByte(0x1b)
		case '\\', '"', '\'', '?':
			b.WriteByte(e)
		case 'x':
			digits, _ := splitRun(body[i+1:min(len(body), i+3)], isHexDigit)
			if digits == "" {
				return "", at, fmt.Errorf("`\\x` must be followed by hexadecimal digits")
			}
			v, _ := accumulate("", digits, 16)
			b.WriteByte(byte(v))
			i += len(digits)
		case '0', '1', '2', '3', '4', '5', '6', '7':
			digits, _ := splitRun(body[i:min(len(body), i+3)], func(c byte) bool { return c >= '0' && c <= '7' })
			v, _ := accumulate("", digits, 8)
			if v > 255 {
				return "", at, fmt.Errorf("octal escape `\\%s` is larger than a byte", digits)
			}
			b.WriteByte(byte(v))
			i += len(digits) - 1
		default:
			return "", at, fmt.Errorf("unknown escape sequence `\\%c`", e)
		}
	}
	return b.String(), 0, nil
}
