package compiler

import (
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
	key     *types.Type // nil: no keys
	keyed   bool        // used with keys at least once
	keyless bool        // used without keys at least once
	val     *types.Type // AggNone value type
	agg     plan.AggKind
	signed  bool
	aggCall *ast.Call
	decl    *ast.MapDecl
	first   ast.Span

	histBits                    int
	lhistMin, lhistMax, lhistSt int64

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
	if ms.agg != plan.AggNone {
		return ms.agg.String() + "()"
	}
	if ms.val != nil {
		return ms.val.String()
	}
	return "unknown"
}

// valueType is the type a read of the map yields.
func (ms *mapState) valueType() *types.Type {
	switch ms.agg {
	case plan.AggNone:
		return ms.val
	case plan.AggCount:
		return types.Uint64
	case plan.AggSum, plan.AggMin, plan.AggMax, plan.AggAvg:
		if ms.signed {
			return types.Int64
		}
		return types.Uint64
	}
	return nil
}

func (c *compiler) setAggParams(ms *mapState, call *ast.Call, ck *checker) {
	switch ms.agg {
	case plan.AggHist:
		if len(call.Args) > 1 {
			k, _ := constInt(call.Args[1])
			if k < 0 || k > 5 {
				ck.errorf(call.Args[1], "hist() precision must be between 0 and 5")
				k = 0
			}
			ms.histBits = int(k)
		}
	case plan.AggLhist:
		if len(call.Args) != 4 {
			return
		}
		lo, _ := constInt(call.Args[1])
		hi, _ := constInt(call.Args[2])
		st, _ := constInt(call.Args[3])
		switch {
		case lo < 0 || hi < 0 || st <= 0:
			ck.errorf(call, "lhist() min, max and step must be non-negative, and step positive")
		case lo >= hi:
			ck.errorf(call, "lhist() min must be less than max")
		case (hi-lo)/st > 1000:
			ck.errorf(call, "lhist() would have %d buckets; the limit is 1000", (hi-lo)/st)
		default:
			ms.lhistMin, ms.lhistMax, ms.lhistSt = lo, hi, st
		}
	}
}

// aggParams are an aggregation's literal parameters after its value (none
// when the call has the wrong arity, already reported).
func aggParams(call *ast.Call) []ast.Expr {
	if len(call.Args) < 2 {
		return nil
	}
	return call.Args[1:]
}

func (c *compiler) checkSameHist(ms *mapState, call *ast.Call, ck *checker) {
	var a, b []int64
	for _, x := range aggParams(ms.aggCall) {
		v, _ := constInt(x)
		a = append(a, v)
	}
	for _, x := range aggParams(call) {
		v, _ := constInt(x)
		b = append(b, v)
	}
	if fmt.Sprint(a) != fmt.Sprint(b) {
		ck.errorf(call, "map %s already holds %s with different parameters", ms.name, ms.agg)
	}
}

// Bucket counts, as runtime/output numbers them: hist has index 0 for
// negative values and then 2^k sub-buckets per power of two up to
// MaxInt64; lhist has underflow, the linear range and overflow.
func histBuckets(k int) int { return (64-k)<<k + 1 }

func lhistBuckets(lo, hi, step int64) int { return int((hi-lo)/step) + 2 }

// aggValueSize is the per-CPU value size of an aggregation.
func aggValueSize(a plan.AggKind) int {
	switch a {
	case plan.AggMin, plan.AggMax, plan.AggAvg, plan.AggStats:
		return 16
	}
	return 8
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
			Agg:     ms.agg,
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
		switch ms.agg {
		case plan.AggNone:
			info.Value = ms.val
			if ms.val == nil {
				info.Value = types.Int64
			}
			valSize = info.Value.Size
		default:
			info.Value = ms.valueType()
			info.PerCPU = true
			valSize = aggValueSize(ms.agg)
		}
		switch ms.agg {
		case plan.AggHist:
			info.HistBits = ms.histBits
			info.NumBuckets = histBuckets(ms.histBits)
		case plan.AggLhist:
			info.LhistMin, info.LhistMax, info.LhistStep = ms.lhistMin, ms.lhistMax, ms.lhistSt
			info.NumBuckets = lhistBuckets(ms.lhistMin, ms.lhistMax, ms.lhistSt)
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
				// Keyless hist/lhist: one array element per bucket; a
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
