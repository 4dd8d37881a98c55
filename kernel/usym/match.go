package usym

import "strings"

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
		if d := editDistance(name, s.Name, bestD-1); d < bestD {
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

// editDistance is the edit distance of a and b counting insertions,
// deletions, substitutions and adjacent transpositions ("mian" → "main"
// is one edit), giving up with limit+1 once it must exceed limit.
func editDistance(a, b string, limit int) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
