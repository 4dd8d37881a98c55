package compiler

import (
	"sonde/internal/spell"
	"sonde/lang/ast"
	"sonde/lang/diag"
)

func (c *compiler) errorAt(span ast.Span, hint, format string, args ...any) {
	d := diag.Errorf(span, format, args...)
	if hint != "" {
		d = d.WithHint("%s", hint)
	}
	c.errs.Add(d)
}

// result returns the sorted diagnostics as an error.
func (c *compiler) result() error {
	c.errs.Sort()
	return c.errs.Clean().Err()
}

// didYouMean returns the candidate closest to name, or "" when none is close.
func didYouMean(name string, candidates []string) string {
	return spell.DidYouMean(name, candidates)
}
