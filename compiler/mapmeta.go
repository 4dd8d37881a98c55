package compiler

import (
	"sonde/lang/ast"
	"sonde/plan"
)

// keyFacts is what the script's text says about one map, for the readers
// that label its keys (metrics): the key parts' names and whether its
// values can go down.
type keyFacts struct {
	names   []string // per key part; nil until a keyed reference is seen
	shrinks bool
}

// describeKeys fills info.KeyNames and info.Shrinks from every reference
// to the map in the script. Key parts named differently at two sites lose
// their name.
func (c *compiler) describeKeys(info *plan.MapInfo) {
	if c.keyFacts == nil {
		c.keyFacts = c.collectKeyFacts()
	}
	f := c.keyFacts[info.Name]
	if f == nil {
		return
	}
	info.Shrinks = f.shrinks
	if info.Key != nil {
		info.KeyNames = f.names
	}
}

func (c *compiler) collectKeyFacts() map[string]*keyFacts {
	facts := map[string]*keyFacts{}
	get := func(m *ast.MapRef) *keyFacts {
		name := mapName(m.Name)
		if facts[name] == nil {
			facts[name] = &keyFacts{}
		}
		return facts[name]
	}
	seen := map[*ast.Probe]bool{}
	for _, inst := range c.insts {
		if seen[inst.probe] {
			continue
		}
		seen[inst.probe] = true
		ast.Walk(inst.probe, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.MapRef:
				if n.Keys != nil {
					get(n).noteNames(keyPartNames(n.Keys))
				}
			case *ast.Call:
				switch n.Name {
				case "clear", "zero", "delete":
					if len(n.Args) > 0 {
						if m, ok := n.Args[0].(*ast.MapRef); ok {
							get(m).shrinks = true
						}
					}
				}
			}
			return true
		})
	}
	return facts
}

func (f *keyFacts) noteNames(names []string) {
	if f.names == nil {
		f.names = names
		return
	}
	if len(names) != len(f.names) {
		return // a type error the checker reported
	}
	for i := range names {
		if names[i] != f.names[i] {
			f.names[i] = ""
		}
	}
}

// keyPartNames names each part of a map key: @[comm, pid] and
// @[(comm, pid)] give "comm", "pid".
func keyPartNames(keys []ast.Expr) []string {
	if len(keys) == 1 {
		if t, ok := keys[0].(*ast.Tuple); ok {
			keys = t.Elems
		}
	}
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = exprName(k)
	}
	return names
}

// exprName is the name a key expression carries: a builtin (comm, pid(),
// kstack(5)), an args field (args.filename, also inside str()), else "".
func exprName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.Field:
		if x, ok := e.X.(*ast.Ident); ok && x.Name == "args" {
			return e.Name
		}
	case *ast.Call:
		switch {
		case len(e.Args) == 0, e.Name == "kstack", e.Name == "ustack":
			return e.Name
		case e.Name == "str" || e.Name == "ksym" || e.Name == "usym":
			return exprName(e.Args[0])
		}
	}
	return ""
}
