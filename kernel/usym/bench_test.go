package usym

import (
	"math/rand"
	"os"
	"testing"
)

// stackAddrs returns runtime addresses inside functions of every
// executable mapping of pid, so benchmarks symbolize real frames.
func stackAddrs(tb testing.TB, pid int) []uint64 {
	maps, err := ReadMaps(pid)
	if err != nil {
		tb.Fatal(err)
	}
	var addrs []uint64
	for _, m := range maps {
		if !m.Exec || !m.fileBacked() {
			continue
		}
		f, err := Open(m.Path)
		if err != nil {
			continue
		}
		for i, s := range f.Symbols() {
			if i%7 != 0 || s.Size == 0 {
				continue
			}
			off, err := f.FileOffset(s.Addr)
			if err != nil || off < m.Offset || off-m.Offset >= m.End-m.Start {
				continue
			}
			addrs = append(addrs, m.Start+off-m.Offset+s.Size/2)
		}
	}
	if len(addrs) == 0 {
		tb.Fatalf("no function addresses in pid %d", pid)
	}
	return addrs
}

type frame struct {
	pid  int
	addr uint64
}

// tenThousandStacks is a profile:hz:99 { @[ustack] = count(); } map: 10,000
// stacks of 10 frames over the C child (program, its library, libc) and
// this Go test binary.
func tenThousandStacks(b *testing.B) [][]frame {
	fx := targets(b)
	child, _ := startChild(b, fx.WithLib)
	self := os.Getpid()
	pools := map[int][]uint64{child: stackAddrs(b, child), self: stackAddrs(b, self)}
	rng := rand.New(rand.NewSource(1))
	stacks := make([][]frame, 10000)
	for i := range stacks {
		pid := child
		if i%3 == 0 {
			pid = self
		}
		for range 10 {
			pool := pools[pid]
			stacks[i] = append(stacks[i], frame{pid, pool[rng.Intn(len(pool))]})
		}
	}
	return stacks
}

func symbolizeAll(b *testing.B, stacks [][]frame) {
	s := NewSymbolizer() // a fresh run: mappings read again
	n := 0
	for _, st := range stacks {
		for _, fr := range st {
			if s.Frame(fr.pid, fr.addr, "bpftrace")[0] != '0' {
				n++
			}
		}
	}
	if n < len(stacks)*10*9/10 {
		b.Fatalf("only %d of %d frames symbolized", n, len(stacks)*10)
	}
}

// BenchmarkSymbolize10kStacks: symbol tables already cached, as during a
// run that has attached its probes.
func BenchmarkSymbolize10kStacks(b *testing.B) {
	stacks := tenThousandStacks(b)
	for b.Loop() {
		symbolizeAll(b, stacks)
	}
}

// BenchmarkSymbolize10kStacksCold also parses every ELF file (libc
// included) from scratch.
func BenchmarkSymbolize10kStacksCold(b *testing.B) {
	stacks := tenThousandStacks(b)
	for b.Loop() {
		resetFileCache()
		symbolizeAll(b, stacks)
	}
}

// BenchmarkWildcard100: resolve uprobe:prog:usym_many_* to 100 file
// offsets, parsing the binary each time.
func BenchmarkWildcard100(b *testing.B) {
	fx := targets(b)
	for b.Loop() {
		resetFileCache()
		f, err := Open(fx.PIE)
		if err != nil {
			b.Fatal(err)
		}
		syms := f.Match("usym_many_*")
		if len(syms) != 100 {
			b.Fatalf("%d matches", len(syms))
		}
		for _, s := range syms {
			if _, err := f.Resolve(s.Name); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkWildcardLibc100: the first 100 of libc's functions by a
// wildcard, the table parsed each time.
func BenchmarkWildcardLibc100(b *testing.B) {
	libc, err := ResolveBinary("libc", 0)
	if err != nil {
		b.Skip(err)
	}
	for b.Loop() {
		resetFileCache()
		f, err := Open(libc)
		if err != nil {
			b.Fatal(err)
		}
		syms := f.Match("*")[:100]
		for _, s := range syms {
			if _, err := f.Resolve(s.Name); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func resetFileCache() {
	fileCache.Lock()
	clear(fileCache.byPath)
	clear(fileCache.byKey)
	fileCache.Unlock()
}
