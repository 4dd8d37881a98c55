// Package spell finds the names a misspelt one was meant to be, for
// "did you mean" hints. Every package that reports unknown names shares it.
package spell

import "slices"

// DidYouMean returns the candidate closest to name by edit distance, or ""
// when none is close enough to be a plausible typo. Ties go to the
// earlier candidate, so callers control preference by order.
func DidYouMean(name string, candidates []string) string {
	if s := Suggest(name, candidates, 1); len(s) == 1 {
		return s[0]
	}
	return ""
}

// Suggest returns up to n candidates close enough to name to be typos of
// it, best first (ties in candidate order). A candidate qualifies when its
// edit distance is at most a third of name's length (at least 1, at most 3).
func Suggest(name string, candidates []string, n int) []string {
	limit := min(max(len(name)/3, 1), 3)
	type cand struct {
		name string
		d    int
	}
	var cands []cand
	for _, c := range candidates {
		if c == name || abs(len(c)-len(name)) > limit || len(c) > 64 || len(name) > 64 {
			continue
		}
		if d := EditDistance(name, c, limit); d <= limit {
			cands = append(cands, cand{c, d})
		}
	}
	slices.SortStableFunc(cands, func(a, b cand) int { return a.d - b.d })
	var out []string
	for _, c := range cands {
		if len(out) == n {
			break
		}
		if !slices.Contains(out, c.name) {
			out = append(out, c.name)
		}
	}
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// EditDistance is the optimal string alignment distance between a and b
// (Levenshtein plus transpositions of neighbours). It gives up early, and
// returns a value above limit, once every alignment costs more than limit.
func EditDistance(a, b string, limit int) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			best = min(best, v)
		}
		if best > limit {
			return best
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
