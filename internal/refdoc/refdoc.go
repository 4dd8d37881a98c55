// Package refdoc is sonde's language reference, read from the catalogue:
// every probe provider, builtin variable, function, aggregation, config key
// and output format, each with its signature, summary and an example. It
// renders the whole reference as Markdown (docs/reference.md, written by
// `go generate ./...`) and one entry as text for `sonde help NAME`.
//
// Each kind has one collector that reads the entries where they are
// defined (stdlib, compiler.ConfigKeys, the provider catalogue,
// output.Formats), so documenting a new entry is writing its Doc there.
package refdoc

//go:generate go run ./gen ../../docs/reference.md

import (
	"cmp"
	"slices"
	"strings"

	"sonde/internal/spell"
)

// Kind is a kind of entry, named as `sonde help` names it.
type Kind string

const (
	Probe       Kind = "probe"
	Variable    Kind = "variable"
	Function    Kind = "function"
	Aggregation Kind = "aggregation"
	Config      Kind = "config"
	Format      Kind = "format"
)

// Doc is one entry of the reference.
type Doc struct {
	Kind      Kind
	Name      string
	Aliases   []string // other names it is written or looked up with
	Signature string   // how it is written: printf(fmt, args...), kprobe:FUNCTION
	Summary   string
	Notes     []string // further facts, one a line: defaults, environment variables
	Example   string   // a whole script
}

// section is one kind of entry and its collector.
type section struct {
	kind    Kind
	title   string
	intro   string
	collect func() []Doc
}

// sections are the reference's sections, in order.
var sections = []section{
	{Probe, "Probe providers", "A probe is `PROVIDER:TARGET { actions }` (or `< actions >`, the declarative form); several attach points share a body when separated by commas. Targets take `*` and `?` wildcards where a provider lists its targets.", probes},
	{Variable, "Builtin variables", "Builtin variables read the probe's context: the current task, the traced function, time.", variables},
	{Function, "Functions", "Functions compute values or, called as statements, act: print, exit, send signals.", functions},
	{Aggregation, "Aggregations", "An aggregation updates a per-CPU map value, merged when printed: `@name[keys] = AGG(...)`, or bare in a block (`count()`, `hist(x) by comm`).", aggregations},
	{Config, "Config keys", "Settings in a `config = { key = value; ... }` block at the top of a script; most also read a BPFTRACE_* environment variable, which wins.", configKeys},
	{Format, "Output formats", "`sonde -f FORMAT` picks how events and maps print.", formats},
}

// All returns every entry, by section and then by name.
func All() []Doc {
	var all []Doc
	for _, s := range sections {
		docs := s.collect()
		slices.SortFunc(docs, func(a, b Doc) int { return cmp.Compare(a.Name, b.Name) })
		all = append(all, docs...)
	}
	return all
}

// Lookup returns the entries called name, or known by it as an alias (a
// name may be a function and a config key: strlen). Case does not matter.
func Lookup(docs []Doc, name string) []Doc {
	var out []Doc
	for _, d := range docs {
		if strings.EqualFold(d.Name, name) || slices.ContainsFunc(d.Aliases, func(a string) bool { return strings.EqualFold(a, name) }) {
			out = append(out, d)
		}
	}
	return out
}

// Suggest returns the names closest to a name Lookup does not know.
func Suggest(docs []Doc, name string) []string {
	var names []string
	for _, d := range docs {
		names = append(names, d.Name)
	}
	return spell.Suggest(strings.ToLower(name), names, 3)
}

// splitDoc splits a catalogue doc written "SIGNATURE: summary", whose
// signature starts with the entry's name, from its summary. Docs without
// one get the signature made by sig.
func splitDoc(name, doc string, sig func() string) (string, string) {
	if strings.HasPrefix(doc, name) {
		if s, summary, ok := strings.Cut(doc, ": "); ok {
			return s, summary
		}
	}
	return sig(), doc
}
