package host

import (
	"slices"
	"sort"
	"strings"

	"sonde/compiler"
	"sonde/kernel/tracefs"
	"sonde/runtime/ksym"
)

// ResolveKprobe checks a kprobe's function against the running kernel:
// available_filter_functions says whether it is traceable, kallsyms whether
// several functions share the name or the compiler left only clones of it
// (fn.isra.0, fn.constprop.0, fn.part.0), and, for a function this kernel
// no longer has, kallsyms and BTF give the closest names.
func (k kernelFuncs) ResolveKprobe(fn string) compiler.KprobeTarget {
	all, err := tracefs.TraceableFunctions()
	if err != nil || len(all) == 0 {
		return compiler.KprobeTarget{}
	}
	t := compiler.KprobeTarget{Checked: true}
	syms, _ := ksym.Default()
	if _, ok := slices.BinarySearch(all, fn); ok {
		t.Exists = true
		if syms != nil {
			if addrs := syms.TextAddrs(fn); len(addrs) > 1 {
				t.Addrs = addrs
			}
		}
		return t
	}
	var clones []string
	for i := sort.SearchStrings(all, fn+"."); i < len(all) && strings.HasPrefix(all[i], fn+"."); i++ {
		clones = append(clones, all[i])
	}
	if len(clones) == 0 && syms != nil {
		clones = syms.TextWithPrefix(fn + ".") // .part.N clones are not in the traceable list
	}
	for _, c := range clones {
		if isClone(c[len(fn):]) {
			t.Clones = append(t.Clones, c)
		}
	}
	if len(t.Clones) > 0 {
		return t
	}
	names := all
	if b, err := k.btf.kernel().Functions("*"); err == nil {
		names = append(append([]string(nil), all...), b...)
	}
	t.Similar = closestFuncs(fn, names, 3)
	return t
}

// isClone says whether suffix (".isra.0") names a copy GCC made of a
// function: one that runs on every call of it, unlike a .cold part.
func isClone(suffix string) bool {
	parts := strings.Split(strings.TrimPrefix(suffix, "."), ".")
	if len(parts) == 0 {
		return false
	}
	for i := 0; i+1 < len(parts); i += 2 {
		switch parts[i] {
		case "isra", "constprop", "part", "llvm":
		default:
			return false
		}
	}
	return len(parts)%2 == 0
}

// closestFuncs ranks names by edit distance to fn, crediting a shared
// prefix (renames keep the start: kmem_cache_alloc -> kmem_cache_alloc_noprof,
// swap_readpage -> swap_read_folio) and returns the best n.
func closestFuncs(fn string, names []string, n int) []string {
	type cand struct {
		name         string
		score        float64
		prefix, dist int
	}
	var cs []cand
	seen := map[string]bool{}
	for _, name := range names {
		if seen[name] || strings.Contains(name, ".") || name == fn {
			continue
		}
		seen[name] = true
		p := 0
		for p < len(fn) && p < len(name) && fn[p] == name[p] {
			p++
		}
		if p < len(fn)/3 && !strings.Contains(name, fn) {
			continue
		}
		d := levenshtein(fn, name)
		if d > len(fn)/2+1 && !strings.HasPrefix(name, fn) {
			continue
		}
		cs = append(cs, cand{name, float64(d) - float64(p)/2, p, d})
	}
	sort.Slice(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.score != b.score {
			return a.score < b.score
		}
		if a.prefix != b.prefix {
			return a.prefix > b.prefix
		}
		return a.name < b.name
	})
	var out []string
	for i := 0; i < len(cs) && i < n; i++ {
		out = append(out, cs[i].name)
	}
	return out
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
