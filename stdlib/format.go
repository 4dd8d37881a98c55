package stdlib

import (
	"fmt"
	"strings"

	"sonde/types"
)

// CheckFormat validates a printf-style format against its arguments:
// the number of conversions and that %s/%d get sensible values.
func CheckFormat(format string, args []*types.Type) error {
	n := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		j := i + 1
		for j < len(format) && strings.IndexByte("-+ #0123456789.", format[j]) >= 0 {
			j++
		}
		for j < len(format) && strings.IndexByte("hljzt", format[j]) >= 0 {
			j++
		}
		if j >= len(format) {
			return fmt.Errorf("incomplete conversion at the end of the format")
		}
		c := format[j]
		if c == '%' && j == i+1 {
			i = j
			continue
		}
		if c == 'r' && j+1 < len(format) && (format[j+1] == 'x' || format[j+1] == 'h') {
			j++
		}
		if strings.IndexByte("diuoxXcspr", c) < 0 {
			return fmt.Errorf("unknown conversion %%%c in format", c)
		}
		if n >= len(args) {
			return fmt.Errorf("the format has more conversions than arguments (%d)", len(args))
		}
		t := args[n]
		if strings.IndexByte("diuoxXc", c) >= 0 && !t.IsScalar() && t.Kind != types.USym && t.Kind != types.Username {
			return fmt.Errorf("%%%c needs an integer, but argument %d is %s", c, n+1, t)
		}
		n++
		i = j
	}
	if n < len(args) {
		return fmt.Errorf("the format has %d conversions but %d arguments", n, len(args))
	}
	return nil
}
