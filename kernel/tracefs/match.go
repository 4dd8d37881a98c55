package tracefs

import "strings"

// Match reports whether s matches pattern, where `*` matches any run of
// characters (also none) and `?` any one character. Everything else matches
// itself: unlike path.Match there are no classes or escapes, and `/` is not
// special, as in bpftrace.
func Match(pattern, s string) bool {
	// The classic greedy matcher with one backtrack point: linear in
	// practice, never exponential.
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// HasWildcard reports whether s contains `*` or `?`.
func HasWildcard(s string) bool {
	return strings.ContainsAny(s, "*?")
}
