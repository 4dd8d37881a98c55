package text_test

import (
	"testing"

	"sonde/plan"
	"sonde/runtime/mapdata"
	"sonde/types"
)

// A keyless aggregation's per-CPU array element is there when some CPU set
// its "set" word, whatever its value: sum(0) and zero() print `@: 0`.
func TestMergeKeylessSetWord(t *testing.T) {
	for _, c := range []struct {
		name string
		agg  string
		cpus [][]byte
		want string
	}{
		{"sum_zero_set", "sum", [][]byte{cat(le64(0), le64(0)), cat(le64(0), le64(1))}, "@: 0\n"},
		{"count_set", "count", [][]byte{cat(le64(2), le64(1)), cat(le64(3), le64(1))}, "@: 5\n"},
		{"never_set", "count", [][]byte{cat(le64(0), le64(0)), cat(le64(0), le64(0))}, ""},
		{"avg_zeroed", "avg", [][]byte{cat(le64(0), le64(0), le64(1)), cat(le64(0), le64(0), le64(0))}, "@: 0\n"},
		{"min_set", "min", [][]byte{cat(le64(4), le64(1), le64(1)), cat(le64(0), le64(0), le64(0))}, "@: 4\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			setAt := 8
			if c.agg == "avg" || c.agg == "min" {
				setAt = 16
			}
			info := &plan.MapInfo{Name: "@", Agg: c.agg, Value: types.Uint64, Array: true, PerCPU: true, SetAt: setAt}
			m := mapdata.MergeSlices(info, [][]byte{le32(0)}, [][][]byte{c.cpus})
			if got := textOf(m, 0, 0); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}
