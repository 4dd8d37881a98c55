package compiler

import (
	"fmt"
	"sort"
	"strings"

	"sonde/lang/ast"
)

// Error is a compile error at a place in the script.
type Error struct {
	Span ast.Span
	Msg  string
	Hint string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: error: %s", e.Span.Start, e.Msg)
}

// ErrorList is every error a compilation found, sorted by position.
type ErrorList []*Error

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0].Error(), len(l)-1)
}

func (l ErrorList) sorted() ErrorList {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i].Span.Start, l[j].Span.Start
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	// One error per line is enough: later ones are usually consequences.
	out := l[:0]
	for i, e := range l {
		if i > 0 && e.Span.Start.Line == out[len(out)-1].Span.Start.Line && e.Span.Start.File == out[len(out)-1].Span.Start.File {
			continue
		}
		out = append(out, e)
	}
	return out
}

// didYouMean returns the candidate closest to name, or "" when none is close.
func didYouMean(name string, candidates []string) string {
	best, bestD := "", len(name)/2+2
	for _, c := range candidates {
		d := editDistance(strings.ToLower(name), strings.ToLower(c))
		if d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
