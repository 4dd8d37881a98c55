package compiler

import (
	"sonde/agg"
	"sonde/plan"

	"fmt"
	"maps"
	"slices"

	"github.com/cilium/ebpf"

	"sonde/lang/ast"
	"sonde/types"
)

// mapState is what the checker learns about one user map across all probes.
type mapState struct {
	name    string
	key     *types.Type      // nil: no keys
	keyed   bool             // used with keys at least once
	keyless bool             // used without keys at least once
	val     *types.Type      // the value type of a map without aggregation
	agg     *agg.Aggregation // nil: plain values
	aggArgs []int64          // the aggregation's parameters, as agg keeps them
	signed  bool
	aggCall *ast.Call
	decl    *ast.MapDecl
	first   ast.Span

	info *plan.MapInfo
}

func (c *compiler) mapFor(name string, ref *ast.MapRef) *mapState {
	ms := c.maps[name]
	if ms == nil {
		ms = &mapState{name: name, first: ref.Span()}
		c.maps[name] = ms
	}
	return ms
}

func (ms *mapState) noteKey(ck *checker, m *ast.MapRef, key *types.Type) {
	if m.Keys == nil {
		ms.keyless = true
		if ms.keyed {
			ck.errorf(m, "map %s is used with keys elsewhere; here it has none", ms.name)
		}
		return
	}
	ms.keyed = true
	if ms.keyless {
		ck.errorf(m, "map %s is used without keys elsewhere; here it has keys", ms.name)
	}
	if key == nil {
		return
	}
	if ms.key == nil {
		ms.key = key
		return
	}
	if u := unifyMap(ms.key, key); u != nil {
		ms.key = u
	} else {
		ck.errorf(m, "map %s has keys of type %s, not %s", ms.name, ms.key, key)
	}
}

func (ms *mapState) describe() string {
	if ms.agg != nil {
		return ms.agg.Name + "()"
	}
	if ms.val != nil {
		return ms.val.String()
	}
	return "unknown"
}

// valueType is the type a read of the map yields: nil when the map's
// aggregation cannot be read in a probe.
func (ms *mapState) valueType() *types.Type {
	switch {
	case ms.agg == nil:
		return ms.val
	case ms.agg.Read == nil:
		return nil
	case ms.signed:
		return types.Int64
	}
	return types.Uint64
}

// aggParams are an aggregation's literal parameters after its value, as
// written (none when the call has the wrong arity, already reported).
func aggParams(call *ast.Call) []ast.Expr {
	if len(call.Args) < 2 {
		return nil
	}
	return call.Args[1:]
}

// aggArgs are the values of an aggregation call's literal parameters (0
// for one that is not a literal, reported elsewhere).
func aggArgs(call *ast.Call) []int64 {
	var args []int64
	for _, x := range aggParams(call) {
		v, _ := constInt(x)
		args = append(args, v)
	}
	return args
}

func (c *compiler) checkSameParams(ms *mapState, call *ast.Call, ck *checker) {
	if !slices.Equal(aggArgs(ms.aggCall), aggArgs(call)) {
		ck.errorf(call, "map %s already holds %s with different parameters", ms.name, ms.agg)
	}
}

// buildMaps turns map states into MapInfos and BPF map specs.
func (c *compiler) buildMaps() {
	names := slices.Sorted(maps.Keys(c.maps))
	for i, name := range names {
		ms := c.maps[name]
		info := &plan.MapInfo{
			Name:    name,
			MapName: bpfMapName(i, name),
			Index:   i,
			Key:     ms.key,
			Signed:  ms.signed,
		}
		maxEntries := uint32(c.cfg.MaxMapKeys)
		if ms.decl != nil && len(ms.decl.Args) > 0 {
			if n, ok := constInt(ms.decl.Args[0]); ok && n > 0 {
				maxEntries = uint32(n)
			}
		}
		spec := &ebpf.MapSpec{Name: info.MapName}
		var valSize int
		if a := ms.agg; a == nil {
			info.Value = ms.val
			if ms.val == nil {
				info.Value = types.Int64
			}
			valSize = info.Value.Size
		} else {
			info.Agg, info.AggArgs = a.Name, ms.aggArgs
			info.Value = ms.valueType()
			info.PerCPU = true
			valSize = a.Size
			if a.Bucketed() {
				info.NumBuckets = a.Buckets(ms.aggArgs)
			}
		}
		if info.NumBuckets > 0 && c.opts.HistSums {
			info.HistSums = true
			valSize = 16 // {count, sum}
		}
		if valSize == 0 {
			valSize = 8
		}
		spec.ValueSize = uint32(valSize)
		if ms.key == nil {
			spec.KeySize = 4
			spec.MaxEntries = 1
			switch {
			case info.NumBuckets > 0:
				// Keyless and bucketed: one array element per bucket; a
				// zeroed histogram prints nothing, as in bpftrace.
				info.Array = true
				spec.MaxEntries = uint32(info.NumBuckets)
				spec.Type = ebpf.PerCPUArray
			case info.PerCPU:
				// Other keyless aggregations: a per-CPU array (the cheapest
				// update) whose values end with a "set" word, so `@ = sum(0)`
				// and zero(@c) still print `@: 0` while an aggregation never
				// hit prints nothing.
				info.Array = true
				info.SetAt = valSize
				spec.ValueSize = uint32(valSize + 8)
				spec.Type = ebpf.PerCPUArray
			default:
				// A hash with one key, so an unset map prints nothing.
				spec.Type = ebpf.Hash
			}
		} else {
			spec.KeySize = uint32(ms.key.Size)
			if info.NumBuckets > 0 {
				spec.KeySize += 8
			}
			spec.MaxEntries = maxEntries
			if info.PerCPU {
				spec.Type = ebpf.PerCPUHash
			} else {
				spec.Type = ebpf.Hash
			}
			if ms.decl != nil {
				switch ms.decl.Kind {
				case "lruhash":
					spec.Type = ebpf.LRUHash
					if info.PerCPU {
						spec.Type = ebpf.LRUCPUHash
					}
				case "percpuhash":
					spec.Type = ebpf.PerCPUHash
				case "percpulruhash":
					spec.Type = ebpf.LRUCPUHash
				}
			}
		}
		ms.info = info
		c.describeKeys(info)
		c.plan.Maps = append(c.plan.Maps, info)
		c.spec.Maps = append(c.spec.Maps, spec)
	}
}

func bpfMapName(i int, name string) string {
	// Kernel map names are at most 15 characters of [a-zA-Z0-9_.].
	s := fmt.Sprintf("m%d_", i)
	for _, r := range name[1:] {
		if len(s) >= 15 {
			break
		}
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			s += string(r)
		}
	}
	return s
}
