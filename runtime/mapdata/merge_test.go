package mapdata

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"

	"sonde/agg"
	"sonde/plan"
	"sonde/types"
)

// The inlined merge of additive aggregations is exactly their entry's
// Merge: same value, same order, signed or not.
func TestAdditiveMergeIsTheEntrys(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, a := range agg.All() {
		if !a.Additive {
			continue
		}
		for _, signed := range []bool{false, true} {
			info := &plan.MapInfo{Name: "@", Agg: a.Name, Key: types.Uint64, Value: types.Int64, PerCPU: true, Signed: signed}
			var keys [][]byte
			var vals [][][]byte
			for i := 0; i < 50; i++ {
				keys = append(keys, le64(uint64(i)))
				vals = append(vals, [][]byte{le64(r.Uint64()), le64(r.Uint64() >> 40), le64(0)})
			}
			m := MergeSlices(info, keys, vals)
			for i := 0; i < m.raw.N; i++ {
				var fast Entry
				gotOrder := m.merge(&fast, i)
				var want agg.Merged
				wantOrder := a.Merge(m.raw.CPUValues(i), &want, signed)
				if fast.Num != want.Num || gotOrder != wantOrder {
					t.Fatalf("%s signed=%v key %d: inlined %d (order %d), entry %d (order %d)", a.Name, signed, i, fast.Num, gotOrder, want.Num, wantOrder)
				}
			}
		}
	}
}

func le64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }
