package stdlib_test

import (
	"slices"
	"strings"
	"testing"

	"sonde/agg"
	"sonde/stdlib"
)

// Every entry is complete: documented, with an example script (compiled by
// the compiler's catalogue test), a type rule and code generation.
func TestCatalogueComplete(t *testing.T) {
	for _, name := range stdlib.VarNames() {
		v, _ := stdlib.LookupVar(name)
		if v.Name != name || v.Doc == "" || v.Example == "" || v.Type == nil || v.Gen == nil {
			t.Errorf("variable %s is incomplete: %+v", name, v)
		}
		if !strings.Contains(v.Example, name) {
			t.Errorf("variable %s: example %q does not use it", name, v.Example)
		}
		if _, clash := stdlib.LookupFunc(name); clash {
			t.Errorf("%s is both a variable and a function", name)
		}
	}
	for _, name := range stdlib.FuncNames() {
		f, _ := stdlib.LookupFunc(name)
		if f.Name != name || f.Doc == "" || f.Example == "" || f.Type == nil || f.Gen == nil || f.Min > f.Max {
			t.Errorf("function %s is incomplete: %+v", name, f)
		}
		if !strings.Contains(f.Example, name+"(") {
			t.Errorf("function %s: example %q does not call it", name, f.Example)
		}
	}
	for _, name := range agg.Names() {
		if _, clash := stdlib.LookupFunc(name); clash {
			t.Errorf("%s is both an aggregation and a function", name)
		}
	}
	if names := stdlib.FuncNames(); !slices.IsSorted(names) || len(names) == 0 {
		t.Errorf("FuncNames not sorted or empty: %v", names)
	}
}
