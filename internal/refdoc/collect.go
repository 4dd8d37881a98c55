package refdoc

import (
	"slices"
	"strings"

	"sonde/agg"
	"sonde/compiler"
	"sonde/provider"
	"sonde/runtime/output"
	"sonde/stdlib"
)

// The collectors: one per kind, each reading its entries where they are
// defined.

// probes reads the provider catalogue: every provider sonde runs, with the
// other names the parser accepts for it.
func probes() []Doc {
	var docs []Doc
	for _, d := range provider.All() {
		if !d.Runs() {
			continue
		}
		a := append(slices.Clone(d.Aliases), d.Exact...)
		slices.Sort(a)
		docs = append(docs, Doc{Kind: Probe, Name: d.Name, Aliases: a,
			Signature: strings.Join(d.Forms, " or "), Summary: d.Doc, Example: d.Example})
	}
	return docs
}

func variables() []Doc {
	var docs []Doc
	for _, n := range stdlib.VarNames() {
		v, _ := stdlib.LookupVar(n)
		sig, summary := splitDoc(n, v.Doc, func() string { return n })
		docs = append(docs, Doc{Kind: Variable, Name: n, Signature: sig, Summary: summary, Example: v.Example})
	}
	return docs
}

func functions() []Doc {
	var docs []Doc
	for _, n := range stdlib.FuncNames() {
		f, _ := stdlib.LookupFunc(n)
		sig, summary := splitDoc(n, f.Doc, func() string { return n + "(" + params(f.Min, f.Max) + ")" })
		var notes []string
		if f.Unsafe {
			notes = append(notes, "Needs --unsafe.")
		}
		docs = append(docs, Doc{Kind: Function, Name: n, Signature: sig, Summary: summary, Notes: notes, Example: f.Example})
	}
	return docs
}

func aggregations() []Doc {
	var docs []Doc
	names := agg.Names()
	slices.Sort(names)
	for _, n := range names {
		a, _ := agg.Lookup(n)
		sig, summary := splitDoc(n, a.Doc, func() string { return n + "(" + params(a.Min, a.Max) + ")" })
		docs = append(docs, Doc{Kind: Aggregation, Name: n, Signature: sig, Summary: summary, Example: a.Example})
	}
	return docs
}

// params writes an argument list from its bounds, for entries whose doc
// has no signature of its own: (), (n), (n [, arg2]).
func params(lo, hi int) string {
	var ps []string
	for i := 0; i < hi; i++ {
		p := "n"
		if i > 0 {
			p = "arg" + string(rune('1'+i))
		}
		if i >= lo {
			p = "[" + p + "]"
		}
		ps = append(ps, p)
	}
	return strings.Join(ps, ", ")
}

func configKeys() []Doc {
	var docs []Doc
	for _, k := range compiler.ConfigKeys() {
		var notes []string
		if k.Default != "" {
			notes = append(notes, "Default: "+k.Default+".")
		}
		if len(k.Env) > 0 {
			notes = append(notes, "Environment: "+strings.Join(k.Env, ", ")+".")
		}
		docs = append(docs, Doc{Kind: Config, Name: k.Name, Aliases: append(slices.Clone(k.Aliases), k.Env...),
			Signature: "config = { " + k.Name + " = " + k.Value + " }", Summary: k.Doc, Notes: notes, Example: k.Example})
	}
	return docs
}

func formats() []Doc {
	var docs []Doc
	for _, f := range output.Formats {
		docs = append(docs, Doc{Kind: Format, Name: f.Name, Signature: "sonde -f " + f.Name, Summary: f.Summary, Example: f.Example})
	}
	return docs
}
