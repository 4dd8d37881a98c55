package refdoc

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"sonde/provider"
)

// The checked-in reference is what the catalogue generates.
func TestReferenceCurrent(t *testing.T) {
	const file = "../../docs/reference.md"
	have, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v: run go generate ./...", err)
	}
	if want := Markdown(All()); !bytes.Equal(have, want) {
		t.Fatalf("docs/reference.md is stale: run go generate ./...\n(first difference at line %d)", firstDiff(have, want))
	}
}

func firstDiff(a, b []byte) int {
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := range min(len(la), len(lb)) {
		if !bytes.Equal(la[i], lb[i]) {
			return i + 1
		}
	}
	return min(len(la), len(lb)) + 1
}

// Every entry is complete, every provider the compiler accepts is
// documented, and nothing else is.
func TestEntriesComplete(t *testing.T) {
	all := All()
	kinds := map[Kind]int{}
	for _, d := range all {
		kinds[d.Kind]++
		if d.Name == "" || d.Signature == "" || d.Summary == "" || d.Example == "" {
			t.Errorf("%s %q is missing a name, signature, summary or example: %+v", d.Kind, d.Name, d)
		}
		if (d.Kind == Function || d.Kind == Aggregation || d.Kind == Variable) && !strings.HasPrefix(d.Signature, d.Name) {
			t.Errorf("%s %s: the signature %q does not start with its name; write its doc as \"%s(...): what it does\"", d.Kind, d.Name, d.Signature, d.Name)
		}
	}
	for _, s := range sections {
		if kinds[s.kind] == 0 {
			t.Errorf("no %s entries", s.kind)
		}
	}
	for _, d := range provider.All() {
		if d.Runs() && (len(d.Forms) == 0 || d.Doc == "" || d.Example == "") {
			t.Errorf("provider %s has no forms, doc or example for the reference", d.Name)
		}
	}
}

func TestLookup(t *testing.T) {
	all := All()
	for _, c := range []struct {
		name  string
		kinds []Kind
	}{
		{"printf", []Kind{Function}},
		{"hist", []Kind{Aggregation}},
		{"kprobe", []Kind{Probe}},
		{"K", []Kind{Probe}},                 // an alias, in any case
		{"kfunc", []Kind{Probe}},             // fentry's old name
		{"BEGIN", []Kind{Probe}},             // as written in scripts
		{"strlen", []Kind{Function, Config}}, // max_strlen's old name too
		{"BPFTRACE_MAX_STRLEN", []Kind{Config}},
		{"json", []Kind{Format}},
		{"pid", []Kind{Variable}},
		{"nosuch", nil},
	} {
		var kinds []Kind
		for _, d := range Lookup(all, c.name) {
			kinds = append(kinds, d.Kind)
		}
		if !slices.Equal(kinds, c.kinds) {
			t.Errorf("Lookup(%q): %v, want %v", c.name, kinds, c.kinds)
		}
	}
	if s := Suggest(all, "prinft"); !slices.Contains(s, "printf") {
		t.Errorf("Suggest(prinft) = %v, want printf among them", s)
	}
}
