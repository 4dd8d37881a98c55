package picture

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"sonde/plan"
	"sonde/runtime/mapdata"
	"sonde/runtime/output"
	"sonde/runtime/output/text"
	"sonde/types"
)

var (
	kstack = &types.Type{Kind: types.KStack, Size: 8, StackMap: "kst"}
	ustack = &types.Type{Kind: types.UStack, Size: 16, StackMap: "ust"}
	comm   = &types.Type{Kind: types.String, Size: 16}
)

func tuple(ts ...*types.Type) *types.Type {
	t := &types.Type{Kind: types.Tuple}
	for _, f := range ts {
		t.Fields = append(t.Fields, types.Field{Offset: t.Size, Type: f})
		t.Size += f.Size
	}
	return t
}

// fakeEnv has two kernel stacks (ids 1, 2) and one user stack (id 7),
// leaf first as the kernel stores them; addresses name functions f<addr>,
// except 0xdead, which resolves to nothing.
func fakeEnv() *output.Env {
	env := output.DefaultEnv()
	stacks := map[string]map[uint64][]uint64{
		"kst": {1: {0x30, 0x20, 0x10}, 2: {0x41, 0x20, 0x10}, 3: {0x30, 0x20, 0x10}},
		"ust": {7: {0x300, 0xdead, 0x100}},
	}
	env.StackFrames = func(m string, id uint64) ([]uint64, error) {
		if f, ok := stacks[m][id]; ok {
			return f, nil
		}
		return nil, fmt.Errorf("no stack %d", id)
	}
	env.Sym = output.Symbols{
		Kernel: func(a uint64) (string, uint64, bool) { return fmt.Sprintf("k%x", a&^0xf), a & 0xf, true },
		User: func(pid uint32, a uint64) (string, uint64, bool) {
			if a == 0xdead {
				return "", 0, false
			}
			return fmt.Sprintf("u%x", a), 0, true
		},
	}
	return env
}

func le(v uint64, n int) []byte { return binary.LittleEndian.AppendUint64(nil, v)[:n] }

func countMap(name string, key *types.Type, keys [][]byte, counts []uint64) *mapdata.Map {
	info := &plan.MapInfo{Name: name, Key: key, Value: types.Uint64, Agg: "count"}
	var vals [][][]byte
	for _, c := range counts {
		vals = append(vals, [][]byte{le(c, 8)})
	}
	return mapdata.MergeSlices(info, keys, vals)
}

func TestFoldedOutput(t *testing.T) {
	env := fakeEnv()
	cs := func(s string) []byte { b := make([]byte, 16); copy(b, s); return b }
	key := tuple(comm, kstack, ustack)
	stacks := countMap("@", key, [][]byte{
		append(append(cs("app"), le(1, 8)...), append(le(7, 8), le(42, 8)...)...),
		append(append(cs("app"), le(2, 8)...), append(le(7, 8), le(42, 8)...)...),
		// id 3 has the frames of id 1 at other offsets: the same line.
		append(append(cs("app"), le(3, 8)...), append(le(7, 8), le(42, 8)...)...),
	}, []uint64{5, 3, 2})
	other := countMap("@calls", types.Uint64, [][]byte{le(9, 8)}, []uint64{4})
	p := &plan.Plan{Maps: []*plan.MapInfo{stacks.Info, other.Info}}
	var out, errOut bytes.Buffer
	f := NewFolded(&out, &errOut, env, p)
	f.Event(output.Event{Kind: output.KindEnd})
	f.Map(stacks, 0, 0)
	f.Map(other, 0, 0)
	if err := f.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "app;u100;[unknown];u300;k10;k20;k30 7\n" +
		"app;u100;[unknown];u300;k10;k20;k40 3\n" +
		"@calls[9]: 4\n"
	if out.String() != want {
		t.Errorf("folded:\n%s\nwant:\n%s", out.String(), want)
	}
}

// With several stack maps, each line starts with its map's name.
func TestFoldedSeveralMaps(t *testing.T) {
	a := countMap("@a", kstack, [][]byte{le(1, 8)}, []uint64{2})
	b := countMap("@b", kstack, [][]byte{le(2, 8)}, []uint64{1})
	var out bytes.Buffer
	f := NewFolded(&out, &out, fakeEnv(), &plan.Plan{Maps: []*plan.MapInfo{a.Info, b.Info}})
	f.Map(a, 0, 0)
	f.Map(b, 0, 0)
	if want := "@a;k10;k20;k30 2\n@b;k10;k20;k40 1\n"; out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestRecorderReport(t *testing.T) {
	env := fakeEnv()
	var out, errOut bytes.Buffer
	rec := NewRecorder(text.New(&out, &errOut, env), env, true, true)
	rec.Event(output.Event{Kind: output.KindAttached, N: 1})
	rec.Event(output.Event{Kind: output.KindLost, N: 2})
	rec.Event(output.Event{Kind: output.KindEnd})
	st := countMap("@", kstack, [][]byte{le(1, 8), le(2, 8)}, []uint64{6, 2})
	cs := func(s string) []byte { b := make([]byte, 16); copy(b, s); return b }
	tab := countMap("@n", tuple(comm, types.Uint64), [][]byte{append(cs("sh"), le(3, 8)...), append(cs("cat"), le(4, 8)...)}, []uint64{1, 9})
	hinfo := &plan.MapInfo{Name: "@h", Agg: "hist", Array: true, Value: types.Uint64}
	var hk [][]byte
	var hv [][][]byte
	for bucket, c := range map[int]uint64{1: 3, 3: 5, 4: 1} {
		hk = append(hk, le(uint64(bucket), 4))
		hv = append(hv, [][]byte{le(c, 8)})
	}
	hist := mapdata.MergeSlices(hinfo, hk, hv)
	for _, m := range []*mapdata.Map{tab, st, hist} {
		rec.Map(m, 0, 0)
	}
	if !strings.Contains(out.String(), "@n[cat, 4]: 9") {
		t.Errorf("the wrapped output printed:\n%s", out.String())
	}
	r := rec.BuildReport(Facts{ScriptName: "stdin", Script: "x", Probes: []string{"p"}})
	if r.Lost != 2 || len(r.Maps) != 3 || r.Maps[0].Name != "@" || r.Maps[0].Flame == nil {
		t.Fatalf("report %+v", r)
	}
	if got := len(rec.Profiles()); got != 1 {
		t.Errorf("%d profiles, want 1", got)
	}
	h := r.Maps[1]
	var rows []string
	for _, b := range h.Hists[0].Buckets {
		rows = append(rows, fmt.Sprintf("%s=%d", b.Label, b.Count))
	}
	if got := strings.Join(rows, " "); got != "[0]=3 [1]=0 [2, 4)=5 [4, 8)=1" {
		t.Errorf("hist rows %s", got)
	}
	tb := r.Maps[2].Table
	var cols []string
	for _, c := range tb.Columns {
		cols = append(cols, fmt.Sprintf("%s/%v", c.Name, c.Numeric))
	}
	if strings.Join(cols, " ") != "key 1/false key 2/true count/true" {
		t.Errorf("columns %v", cols)
	}
	if len(tb.Rows) != 2 || tb.Rows[0][0].Text != "cat" || tb.Rows[0][2].Num != 9 || tb.Rows[0][1].Num != 4 {
		t.Errorf("rows %+v, want the largest first", tb.Rows)
	}
}

func TestFlamegraphPaths(t *testing.T) {
	if got := FlamegraphPaths("out.svg", []string{"@"}); got[0] != "out.svg" {
		t.Errorf("one map: %v", got)
	}
	got := FlamegraphPaths("/tmp/out.svg", []string{"@", "@user"})
	if strings.Join(got, " ") != "/tmp/out-map0.svg /tmp/out-user.svg" {
		t.Errorf("two maps: %v", got)
	}
}
