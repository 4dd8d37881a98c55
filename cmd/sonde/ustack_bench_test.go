package main

import (
	"sonde/plan"

	"debug/elf"
	"encoding/binary"
	"io"
	"math/rand"
	"os"
	"testing"

	"sonde/host"
	"sonde/kernel/usym"
	"sonde/runtime/mapdata"
	"sonde/runtime/output"
	"sonde/runtime/output/text"
	"sonde/types"
)

// BenchmarkUstackMap10k prints a 10,000-entry @[ustack] = count() map the
// way the run does at exit: stack frames (here from memory instead of the
// kernel's stack map) symbolized in this process through usym, with the
// binary's symbol table already cached, as during a run whose probes
// resolved it. Each stack has 10 frames inside functions of this binary.
func BenchmarkUstackMap10k(b *testing.B) {
	benchUstackMap(b, false)
}

// BenchmarkUstackMap10kCold starts from a fresh symbolizer: the process's
// mappings are read again (the ELF tables stay cached by file).
func BenchmarkUstackMap10kCold(b *testing.B) {
	benchUstackMap(b, true)
}

func benchUstackMap(b *testing.B, cold bool) {
	info, keys, values, warm := ustackMap(b, 10000)
	spec := &plan.Spec{Plan: &plan.Plan{}}
	text.New(io.Discard, io.Discard, warm).Map(mapdata.MergeSlices(info, keys, values), 0, 0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		env := warm
		if cold {
			env = host.NewEnv(spec, warm.StackFrames)
		}
		out := text.New(io.Discard, io.Discard, env)
		out.Map(mapdata.MergeSlices(info, keys, values), 0, 0)
		if err := out.Flush(); err != nil {
			b.Fatal(err)
		}
	}
}

// ustackMap builds an n-entry @[ustack] = count() map of random 10-frame
// stacks inside functions of this binary, and an Env that reads them from
// memory and symbolizes them through usym.
func ustackMap(b *testing.B, n int) (*plan.MapInfo, [][]byte, [][][]byte, *output.Env) {
	b.Helper()
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	f, err := usym.Open(exe)
	if err != nil {
		b.Fatal(err)
	}
	if f.Type != elf.ET_EXEC { // link-time addresses are run-time ones
		b.Skip("test binary is position-independent")
	}
	var pcs []uint64
	for _, s := range f.Symbols() {
		if s.Size > 4 {
			pcs = append(pcs, s.Addr+s.Size/2)
		}
	}
	const depth = 10
	rng := rand.New(rand.NewSource(1))
	stacks := make([][]uint64, n)
	keys := make([][]byte, n)
	values := make([][][]byte, n)
	pid := uint64(os.Getpid())
	for i := range stacks {
		st := make([]uint64, depth)
		for j := range st {
			st[j] = pcs[rng.Intn(len(pcs))]
		}
		stacks[i] = st
		k := make([]byte, 16)
		binary.LittleEndian.PutUint64(k, uint64(i))
		binary.LittleEndian.PutUint64(k[8:], pid)
		keys[i] = k
		v := make([]byte, 8)
		binary.LittleEndian.PutUint64(v, uint64(rng.Intn(1000)+1))
		values[i] = [][]byte{v}
	}
	st := &types.Type{Kind: types.UStack, Size: 16, StackLimit: 127, StackMap: "stack_127"}
	info := &plan.MapInfo{Name: "@", MapName: "m", Key: st, Value: types.Uint64, Agg: "count", PerCPU: true}
	env := host.NewEnv(&plan.Spec{Plan: &plan.Plan{}}, func(_ string, id uint64) ([]uint64, error) { return stacks[id], nil })
	return info, keys, values, env
}
