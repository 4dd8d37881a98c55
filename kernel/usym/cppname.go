package usym

import "strings"

// cppNames are the forms a script may use for a demangled function:
// "int ns::f<int>(int) const", "int ns::f<int>" and "ns::f<int>".
func cppNames(demangled string) []string {
	noParams := stripParams(demangled)
	names := []string{demangled}
	if noParams != demangled {
		names = append(names, noParams)
	}
	if q := dropReturnType(noParams); q != noParams {
		names = append(names, q)
	}
	return names
}

// stripParams drops the parameter list (and what follows it) of a
// demangled function name: "ns::f<int>(int) const" → "ns::f<int>".
func stripParams(s string) string {
	if i := scanTop(s, '('); i > 0 {
		return s[:i]
	}
	return s
}

// dropReturnType removes the return type template functions demangle
// with: "int ns::f<int>" → "ns::f<int>".
func dropReturnType(s string) string {
	cut := -1
	for i := scanTop(s, ' '); i >= 0; {
		cut = i
		j := scanTop(s[i+1:], ' ')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return s[cut+1:]
}

// scanTop returns the index of the first c in s outside template
// arguments, braces, "(anonymous namespace)" and operator names, or -1.
func scanTop(s string, c byte) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "(anonymous namespace)"):
			i += len("(anonymous namespace)") - 1
		case strings.HasPrefix(s[i:], "operator"):
			i = skipOperator(s, i+len("operator")) - 1
		case s[i] == '<' || s[i] == '{':
			depth++
		case s[i] == '>' || s[i] == '}':
			depth--
		case s[i] == c && depth == 0:
			return i
		}
	}
	return -1
}

// skipOperator returns the index past an operator's symbol: "()", "<<",
// "[]", " new", " delete[]"; a conversion's type ("operator bool") ends
// at its parameter list.
func skipOperator(s string, i int) int {
	switch {
	case strings.HasPrefix(s[i:], "()"):
		return i + 2
	case strings.HasPrefix(s[i:], " new"), strings.HasPrefix(s[i:], " delete"):
		i++
		for i < len(s) && (s[i] == '[' || s[i] == ']' || (s[i] >= 'a' && s[i] <= 'z')) {
			i++
		}
		return i
	case strings.HasPrefix(s[i:], " "):
		return i // conversion operator: its type is scanned normally
	}
	for i < len(s) && strings.IndexByte("+-*/%^&|~!=<>,[]", s[i]) >= 0 {
		i++
	}
	if strings.HasPrefix(s[i:], " <") {
		i++ // "operator< <int>": the space keeps the brackets apart
	}
	return i
}
