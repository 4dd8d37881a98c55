package kbtf

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrNotFound is wrapped by every NotFoundError.
var ErrNotFound = errors.New("not found")

// NotFoundError reports an unknown type, field, function or tracepoint,
// with the closest known names so the compiler can print a hint.
type NotFoundError struct {
	What       string   // "type", "field", "function", "raw tracepoint"
	Name       string   // what was asked for: "pidd", "struct task_strct"
	In         string   // the struct searched, for fields: "struct task_struct"
	Candidates []string // the closest existing names, best first; may be empty
}

func (e *NotFoundError) Error() string {
	if e.What == "field" {
		return fmt.Sprintf("%s has no field %q", e.In, e.Name)
	}
	if e.In != "" {
		return fmt.Sprintf("%s %q not found in %s", e.What, e.Name, e.In)
	}
	return fmt.Sprintf("unknown %s %q", e.What, e.Name)
}

// Hint is the did-you-mean line without a "hint: " prefix, or "".
func (e *NotFoundError) Hint() string {
	switch len(e.Candidates) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("did you mean %q?", e.Candidates[0])
	}
	q := make([]string, len(e.Candidates))
	for i, c := range e.Candidates {
		q[i] = fmt.Sprintf("%q", c)
	}
	return "did you mean one of " + strings.Join(q, ", ") + "?"
}

func (e *NotFoundError) Unwrap() error { return ErrNotFound }

// maxCandidates bounds the names a hint offers.
const maxCandidates = 3

// suggest returns the names closest to name by edit distance, best first.
// A name qualifies when its distance is at most a third of its length (at
// least 1, at most 3), which accepts typos and rejects unrelated names.
func suggest(name string, names []string) []string {
	limit := min(max(len(name)/3, 1), 3)
	type cand struct {
		name string
		d    int
	}
	var cands []cand
	for _, n := range names {
		if n == name || abs(len(n)-len(name)) > limit {
			continue
		}
		if d := distance(name, n, limit); d <= limit {
			cands = append(cands, cand{n, d})
		}
	}
	slices.SortFunc(cands, func(a, b cand) int {
		if a.d != b.d {
			return a.d - b.d
		}
		return strings.Compare(a.name, b.name)
	})
	var out []string
	for _, c := range cands {
		if len(out) == maxCandidates {
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

// distance is the optimal string alignment distance (Levenshtein plus
// adjacent transpositions), giving up early once every path exceeds limit.
func distance(a, b string, limit int) int {
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
