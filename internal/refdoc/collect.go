package refdoc

import (
	"slices"
	"strings"

	"sonde/compiler"
	"sonde/internal/providerdoc"
	"sonde/runtime/output"
	"sonde/stdlib"
)

// The collectors: one per kind, each reading its entries where they are
// defined.

// probes reads internal/providerdoc, with the names the compiler accepts
// for each provider.
func probes() []Doc {
	aliases := map[string][]string{}
	for alias, canon := range compiler.ProviderNames() {
		if alias != canon {
			aliases[canon] = append(aliases[canon], alias)
		}
	}
	if _, ok := compiler.CanonicalProvider("U"); ok {
		aliases["usdt"] = append(aliases["usdt"], "U")
	}
	var docs []Doc
	for name, d := range providerdoc.Docs {
		a := aliases[name]
		slices.Sort(a)
		docs = append(docs, Doc{Kind: Probe, Name: name, Aliases: a,
			Signature: strings.Join(d.Forms, " or "), Summary: d.Summary, Example: d.Example})
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
	for _, n := range stdlib.AggregationNames() {
		a, _ := stdlib.LookupAggregation(n)
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
