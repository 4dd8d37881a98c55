package mapdata

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestRadixSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{2, 3, 100, 5000} {
		for _, spread := range []uint64{3, 1 << 20, 1<<64 - 1} {
			items := make([]sortItem, n)
			for i := range items {
				items[i] = sortItem{v: r.Uint64() % spread, k: r.Uint64()%spread ^ 1<<63, i: uint32(i)}
			}
			want := slices.Clone(items)
			slices.SortStableFunc(want, func(a, b sortItem) int {
				if c := cmp.Compare(a.v, b.v); c != 0 {
					return c
				}
				return cmp.Compare(a.k, b.k)
			})
			radixSort(items)
			for i := range items {
				if items[i] != want[i] {
					t.Fatalf("n=%d spread=%d: item %d = %+v, want %+v", n, spread, i, items[i], want[i])
				}
			}
		}
	}
}
