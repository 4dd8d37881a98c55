// Package picture draws the maps a run prints: it reads them as the
// runtime hands them to its Output (output.MapData), symbolizes their
// stacks, and turns them into the plain models of picture/flame and
// picture/report. Folded is the -f folded format; Recorder keeps what
// --flamegraph and --report draw at exit.
package picture

import (
	"strconv"
	"strings"

	"sonde/agg"
	"sonde/picture/flame"
	"sonde/plan"
	"sonde/runtime/mapdata"
	"sonde/runtime/output"
	"sonde/types"
)

// HasStack reports whether a map's key holds a kstack or ustack, alone or
// in a tuple.
func HasStack(info *plan.MapInfo) bool {
	t := info.Key
	if t == nil || info.Array {
		return false
	}
	if t.Kind == types.KStack || t.Kind == types.UStack {
		return true
	}
	if t.Kind == types.Tuple {
		for _, f := range t.Fields {
			if f.Type.Kind == types.KStack || f.Type.Kind == types.UStack {
				return true
			}
		}
	}
	return false
}

// Stacks turns stack maps into profiles, resolving each address once.
type Stacks struct {
	env   *output.Env
	names map[frameKey]string
	buf   []flame.Frame
}

type frameKey struct {
	user bool
	pid  uint32
	addr uint64
}

// NewStacks reads stacks and symbols through env: env.StackFrames for
// the addresses of a stack id, env.Sym for their names.
func NewStacks(env *output.Env) *Stacks {
	return &Stacks{env: env, names: map[frameKey]string{}}
}

// Profile converts the last top entries (all when top is 0) of a map whose
// key holds a stack: one stack per entry, the key's other parts as its
// outermost frames, then the user stack and the kernel stack, root first,
// as a call reaches the kernel. The count is the entry's value (its total
// for hist and lhist, 1 where the values are not numbers) divided by div.
func (s *Stacks) Profile(m *mapdata.Map, top, div int) *flame.Profile {
	unit := "samples"
	if m.Agg != agg.Count {
		unit = kindOf(m.Info)
	}
	p := &flame.Profile{Name: m.Info.Name, Unit: unit}
	from := 0
	if top > 0 && m.Len() > top {
		from = m.Len() - top
	}
	p.Stacks = make([]flame.Stack, 0, m.Len()-from)
	s.buf = make([]flame.Frame, 0, 16*(m.Len()-from))
	for i := from; i < m.Len(); i++ {
		var e mapdata.Entry
		m.Entry(i, &e)
		n, ok := m.Number(&e)
		if !ok {
			n = 1
		}
		if div > 1 {
			n /= int64(div)
		}
		if n <= 0 {
			continue
		}
		p.Stacks = append(p.Stacks, flame.Stack{Frames: s.frames(output.KeyValues(m, &e)), Count: uint64(n)})
	}
	return p
}

// frames lays out one key: labels, then user frames, then kernel frames,
// in s.buf (shared by the stacks of a profile: one allocation, not one
// per stack).
func (s *Stacks) frames(parts []output.Value) []flame.Frame {
	start := len(s.buf)
	for _, v := range parts {
		if _, ok := v.(output.Stack); !ok {
			s.buf = append(s.buf, flame.Frame{Name: output.TextString(v, s.env), Kind: flame.Label})
		}
	}
	for _, user := range []bool{true, false} {
		for _, v := range parts {
			if st, ok := v.(output.Stack); ok && st.User == user {
				s.buf = s.appendStack(s.buf, st)
			}
		}
	}
	return s.buf[start:len(s.buf):len(s.buf)]
}

// appendStack appends a stack's frames root first (the kernel records it
// leaf first), each a bare function name as stackcollapse writes it.
func (s *Stacks) appendStack(dst []flame.Frame, st output.Stack) []flame.Frame {
	if s.env == nil || s.env.StackFrames == nil || st.Type == nil {
		return dst
	}
	addrs, err := s.env.StackFrames(st.Type.StackMap, st.ID)
	if err != nil {
		return dst
	}
	if l := st.Type.StackLimit; l > 0 && len(addrs) > l {
		addrs = addrs[:l]
	}
	kind := flame.Kernel
	if st.User {
		kind = flame.User
	}
	for i := len(addrs) - 1; i >= 0; i-- {
		if addrs[i] == 0 {
			continue
		}
		dst = append(dst, flame.Frame{Name: s.name(st.User, st.PID, addrs[i]), Kind: kind})
	}
	return dst
}

func (s *Stacks) name(user bool, pid uint32, addr uint64) string {
	k := frameKey{user, pid, addr}
	if n, ok := s.names[k]; ok {
		return n
	}
	var name string
	var ok bool
	if s.env.Sym != nil {
		if user {
			name, _, ok = s.env.Sym.UserSym(pid, addr)
		} else {
			name, _, ok = s.env.Sym.KernelSym(addr)
		}
	}
	if !ok || name == "" {
		name = "[unknown]"
	}
	s.names[k] = name
	return name
}

// FlamegraphPaths names the SVG files of --flamegraph path: path itself
// for one map, path-NAME.svg per map for several.
func FlamegraphPaths(path string, maps []string) []string {
	if len(maps) == 1 {
		return []string{path}
	}
	base := strings.TrimSuffix(path, ".svg")
	out := make([]string, len(maps))
	for i, m := range maps {
		name := strings.TrimPrefix(m, "@")
		if name == "" {
			name = "map" + strconv.Itoa(i)
		}
		out[i] = base + "-" + name + ".svg"
	}
	return out
}
