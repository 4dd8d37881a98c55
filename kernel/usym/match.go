package usym

import (
	"sonde/internal/spell"
	"strings"
)

// Match returns the functions whose name, or demangled C++ name, matches
// a wildcard pattern ('*' any run, '?' one byte), sorted by name. A
// pattern without wildcards matches one name exactly.
func (f *File) Match(pattern string) []Symbol {
	if !HasWildcard(pattern) {
		if s, err := f.Lookup(pattern); err == nil {
			return []Symbol{s}
		}
		return nil
	}
	var out []Symbol
	for _, s := range f.syms {
		if Wildcard(pattern, s.Name) || (s.Demangled != "" && matchAny(pattern, cppNames(s.Demangled))) {
			out = append(out, s)
		}
	}
	return out
}

func matchAny(pattern string, names []string) bool {
	for _, n := range names {
		if Wildcard(pattern, n) {
			return true
		}
	}
	return false
}

// HasWildcard reports whether a probe component is a pattern.
func HasWildcard(s string) bool { return strings.ContainsAny(s, "*?") }

// Wildcard matches s against a pattern of literal bytes, '*' (any run)
// and '?' (any one byte). Unlike path.Match, '/' and ':' are ordinary.
func Wildcard(pattern, s string) bool {
	// Iterative matcher with single backtrack point: linear for the
	// patterns people write (foo*, *bar*, a*b*c).
	px, sx := 0, 0
	starP, starS := -1, 0
	for sx < len(s) {
		switch {
		case px < len(pattern) && pattern[px] == '*':
			starP, starS = px, sx
			px++
		case px < len(pattern) && (pattern[px] == '?' || pattern[px] == s[sx]):
			px++
			sx++
		case starP >= 0:
			starS++
			px, sx = starP+1, starS
		default:
			return false
		}
	}
	for px < len(pattern) && pattern[px] == '*' {
		px++
	}
	return px == len(pattern)
}

// suggest returns the function name closest to a misspelt one, or "" if
// none is close enough to be what the user meant.
func (f *File) suggest(name string) string {
	limit := min(4, max(1, len(name)/3))
	best, bestD := "", limit+1
	for _, s := range f.syms {
		if lenDiff(s.Name, name) >= bestD {
			continue
		}
		if d := spell.EditDistance(name, s.Name, bestD-1); d < bestD {
			best, bestD = s.Name, d
		}
	}
	return best
}

func lenDiff(a, b string) int {
	if len(a) > len(b) {
		return len(a) - len(b)
	}
	return len(b) - len(a)
}
