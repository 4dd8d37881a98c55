package kbtf

import (
	"errors"
	"fmt"
	"sonde/internal/spell"
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
func suggest(name string, names []string) []string {
	return spell.Suggest(name, names, maxCandidates)
}
