package headers

import "sort"

// Def is one constant a header defines, as the table generator records it.
type Def struct {
	Name     string
	Value    int64
	Unsigned bool
	Header   string // as included: "asm-generic/errno-base.h"
}

// Scan reads the headers names (and what they include) and returns every
// constant they define, sorted by name then header, with the include graph
// (header -> the headers it includes, by name). It is how the built-in
// table is generated.
func Scan(cfg Config, names []string) (defs []Def, graph map[string][]string, files []File) {
	if cfg.ReadFile == nil {
		cfg = New(nil, cfg).cfg
	}
	r := newReader(cfg.Dirs, cfg.ReadFile, predefined(cfg.Kernel))
	for _, n := range names {
		r.include(n, false, "", -1)
	}
	seen := map[string]bool{}
	for name, m := range r.macros {
		if m.fn || m.file == "<built-in>" {
			continue
		}
		if v, ok := r.constant(name); ok {
			defs = append(defs, Def{Name: name, Value: v.v, Unsigned: v.u, Header: m.file})
			seen[name] = true
		}
	}
	for name, v := range r.enums {
		if !seen[name] {
			defs = append(defs, Def{Name: name, Value: v.v, Unsigned: v.u, Header: r.enumFile[name]})
		}
	}
	sort.Slice(defs, func(i, j int) bool {
		if defs[i].Name != defs[j].Name {
			return defs[i].Name < defs[j].Name
		}
		return defs[i].Header < defs[j].Header
	})
	return defs, r.edges, r.files
}
