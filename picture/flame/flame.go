// Package flame draws stack samples the way Brendan Gregg's FlameGraph
// tools do: folded lines ("root;...;leaf COUNT") and a self-contained
// interactive SVG flame graph. Its input is plain frames and counts, so it
// knows nothing of BPF, stack maps or symbolizers.
package flame

import (
	"slices"
	"strings"
)

// Kind says where a frame comes from; the SVG colours kinds apart.
type Kind uint8

const (
	User   Kind = iota // a user-space function
	Kernel             // a kernel function
	Label              // not code: a key part drawn as an outer frame (comm, pid)
)

// Frame is one function of a stack.
type Frame struct {
	Name string
	Kind Kind
}

// Stack is a call chain, root first, and how often it was seen.
type Stack struct {
	Frames []Frame
	Count  uint64
}

// Profile is the stacks of one map.
type Profile struct {
	Name   string // the map, "@" or "@name"
	Unit   string // what Count counts ("samples" when empty)
	Stacks []Stack
}

func (p *Profile) unit() string {
	if p.Unit == "" {
		return "samples"
	}
	return p.Unit
}

// cleanName keeps a name within the folded grammar: ';' separates frames
// and a line ends the record, so neither may appear inside a name.
func cleanName(s string) string {
	if s == "" {
		return "[unknown]"
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ';' || c == '\n' || c == '\r' {
			return strings.NewReplacer(";", ":", "\n", " ", "\r", " ").Replace(s)
		}
	}
	return s
}

// tree is the stacks merged into a prefix tree: node 0 is the root
// ("all"); children of a node are sorted by name, as flamegraph.pl draws
// them.
type tree struct {
	nodes []node
	names []string
	total uint64
	depth int // deepest node's depth (root: 0)
}

type node struct {
	name     int32 // index into names
	kind     Kind
	value    uint64 // its count and all its descendants'
	self     uint64 // the count of the stacks that end here
	children []int32
}

// fanout is the number of children past which a node finds a child by a
// map rather than by a scan: most nodes have a few children, the top ones
// thousands.
const fanout = 16

type childKey struct {
	name int32
	kind Kind
}

// buildTree merges stacks with the same frames; frames are matched by
// name, and by kind too unless anyKind.
func buildTree(stacks []Stack, anyKind bool) *tree {
	t := &tree{nodes: []node{{name: 0, kind: Label}}, names: []string{"all"}}
	ids := map[string]int32{"all": 0}
	kids := map[int32]map[childKey]int32{} // children of nodes past fanout
	for _, s := range stacks {
		if s.Count == 0 {
			continue
		}
		t.total += s.Count
		t.nodes[0].value += s.Count
		cur := int32(0)
		for d, f := range s.Frames {
			name := cleanName(f.Name)
			id, ok := ids[name]
			if !ok {
				id = int32(len(t.names))
				t.names = append(t.names, name)
				ids[name] = id
			}
			c := t.child(kids, cur, id, f.Kind, anyKind)
			t.nodes[c].value += s.Count
			cur = c
			t.depth = max(t.depth, d+1)
		}
		t.nodes[cur].self += s.Count
	}
	for i := range t.nodes {
		ch := t.nodes[i].children
		slices.SortFunc(ch, func(a, b int32) int {
			na, nb := &t.nodes[a], &t.nodes[b]
			if c := strings.Compare(t.names[na.name], t.names[nb.name]); c != 0 {
				return c
			}
			return int(na.kind) - int(nb.kind)
		})
	}
	return t
}

// child finds or adds the child of node cur named id.
func (t *tree) child(kids map[int32]map[childKey]int32, cur, id int32, kind Kind, anyKind bool) int32 {
	k := childKey{id, kind}
	if anyKind {
		k.kind = 0
	}
	ch := t.nodes[cur].children
	if m := kids[cur]; m != nil {
		if c, ok := m[k]; ok {
			return c
		}
	} else {
		for _, c := range ch {
			if n := &t.nodes[c]; n.name == id && (anyKind || n.kind == kind) {
				return c
			}
		}
	}
	c := int32(len(t.nodes))
	t.nodes = append(t.nodes, node{name: id, kind: kind})
	t.nodes[cur].children = append(ch, c)
	switch m := kids[cur]; {
	case m != nil:
		m[k] = c
	case len(ch)+1 > fanout:
		m = make(map[childKey]int32, 2*fanout)
		for _, o := range t.nodes[cur].children {
			ok := childKey{t.nodes[o].name, t.nodes[o].kind}
			if anyKind {
				ok.kind = 0
			}
			m[ok] = o
		}
		kids[cur] = m
	}
	return c
}
