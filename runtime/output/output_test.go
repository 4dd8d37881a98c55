package output

import (
	"errors"
	"strings"
	"testing"

	"sonde/types"
)

func TestTextOutput(t *testing.T) {
	var out, errOut strings.Builder
	o := NewText(&out, &errOut, nil)
	o.AttachedProbes(1)
	o.AttachedProbes(3)
	o.Printf("hello %\n")
	o.Value(Tuple{I64(1), Str("a")})
	o.Time("12:00:00\n")
	o.Join("a b")
	o.Cat("file\n")
	o.System("out\n")
	o.Errorf("bad\n", SourceLoc{File: "stdin", Line: 1, Col: 9, EndCol: 62})
	o.Warnf("hmm", SourceLoc{File: "x.bt", Line: 3, Col: 2})
	o.LostEvents(5)
	o.End()
	o.Map(countMap("@a", types.Int64, map[string]uint64{string(le64(1)): 2}), 0, 0)
	o.Map(histOf("@b", 0, 1), 0, 0)
	o.Map(countMap("@c", types.Int64, nil), 0, 0)
	wantOut := "hello %\n(1, a)\n12:00:00\na b\nfile\nout\n" +
		"\n\n" +
		"@a[1]: 2\n" +
		"@b:\n[1]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n\n"
	if out.String() != wantOut {
		t.Errorf("stdout\n got %q\nwant %q", out.String(), wantOut)
	}
	wantErr := "Attached 1 probe\nAttached 3 probes\n" +
		"stdin:1:9-62: ERROR: bad\nx.bt:3:2: WARNING: hmm\nLost 5 events\n"
	if errOut.String() != wantErr {
		t.Errorf("stderr\n got %q\nwant %q", errOut.String(), wantErr)
	}
}

func TestJSONOutput(t *testing.T) {
	var out strings.Builder
	o := NewJSON(&out, nil)
	o.AttachedProbes(1)
	o.Printf("test \r \n \t \\ \" bar")
	o.Value(I64(5))
	o.Value(Tuple{I64(1), I64(2), Str("string")})
	o.Value(Record{Names: []string{"m", "n"}, Fields: []Value{I64(2), I64(3)}})
	o.Time("12:34:56\n")
	o.Join("/bin/echo,'A'")
	o.Cat("x")
	o.System("a b c\n")
	o.Errorf("bad", SourceLoc{File: "stdin", Line: 1, Col: 9, EndCol: 62})
	o.Warnf("hmm", SourceLoc{File: "stdin", Line: 2, Col: 3})
	o.LostEvents(7)
	o.End()
	o.Map(countMap("@map", types.StringType(8), map[string]uint64{
		string(cstr("key1", 8)): 2, string(cstr("key2", 8)): 3}), 0, 0)
	o.Map(countMap("@empty", types.Int64, nil), 0, 0)
	want := `{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "printf", "data": "test \r \n \t \\ \" bar"}
{"type": "value", "data": 5}
{"type": "value", "data": [1,2,"string"]}
{"type": "value", "data": {"m": 2, "n": 3}}
{"type": "time", "data": "12:34:56\n"}
{"type": "join", "data": "/bin/echo,'A'"}
{"type": "cat", "data": "x"}
{"type": "syscall", "data": "a b c\n"}
{"type": "errorf", "msg": "bad", "filename": "stdin", "line": 1, "col": 9}
{"type": "warnf", "msg": "hmm", "filename": "stdin", "line": 2, "col": 3}
{"type": "lost_events", "count": 7, "data": {"events": 7}}
{"type": "map", "data": {"@map": {"key1": 2, "key2": 3}}}
`
	if out.String() != want {
		t.Errorf("\n got:\n%s\nwant:\n%s", out.String(), want)
	}
}

type fakeSyms struct{}

func (fakeSyms) KernelSym(addr uint64) (string, uint64, bool) {
	if addr >= 0xffffffff81000000 && addr < 0xffffffff81001000 {
		return "do_sys_open", addr - 0xffffffff81000000, true
	}
	return "", 0, false
}

func (fakeSyms) UserSym(pid uint32, addr uint64) (string, uint64, bool) {
	if pid == 42 && addr >= 0x1000 && addr < 0x2000 {
		return "main", addr - 0x1000, true
	}
	return "", 0, false
}

func TestStacksAndSymbols(t *testing.T) {
	env := DefaultEnv()
	env.Sym = fakeSyms{}
	env.StackFrames = func(m string, id uint64) ([]uint64, error) {
		if m != "stack_k" || id != 7 {
			return nil, errors.New("no such stack")
		}
		return []uint64{0xffffffff81000010, 0xffffffff82000000, 0, 0xdead}, nil
	}
	kstack := func(mode types.StackMode) *types.Type {
		return &types.Type{Kind: types.KStack, Size: 8, StackMode: mode, StackLimit: 127, StackMap: "stack_k"}
	}
	for _, c := range []struct {
		v    Value
		want string
	}{
		{KSym(0xffffffff81000010), "do_sys_open"},
		{KSym(0xffffffff82000000), "0xffffffff82000000"},
		{USym{Addr: 0x1004, PID: 42}, "main"},
		{USym{Addr: 0x1004, PID: 1}, "0x1004"},
		{Stack{ID: 7, Type: kstack(types.StackBpftrace)}, "\n        do_sys_open+16\n        0xffffffff82000000\n"},
		{Stack{ID: 7, Type: kstack(types.StackPerf)}, "\n\tffffffff81000010 do_sys_open+16\n\tffffffff82000000 0xffffffff82000000\n"},
		{Stack{ID: 7, Type: kstack(types.StackRaw)}, "\nffffffff81000010\nffffffff82000000\n"},
		{Stack{ID: 8, Type: kstack(types.StackBpftrace)}, ""},
	} {
		if got := TextString(c.v, env); got != c.want {
			t.Errorf("%#v: got %q, want %q", c.v, got, c.want)
		}
	}

	// A stack-keyed count map prints the frames inside the brackets.
	m := countMap("@", kstack(types.StackBpftrace), map[string]uint64{string(le64(7)): 12})
	var out strings.Builder
	NewText(&out, nil, env).Map(m, 0, 0)
	if want := "@[\n        do_sys_open+16\n        0xffffffff82000000\n]: 12\n"; out.String() != want {
		t.Errorf("stack map: %q", out.String())
	}
}

func TestPrintScalars(t *testing.T) {
	var out strings.Builder
	o := NewText(&out, nil, nil)
	// print(@m) of a keyless count map stored as an array.
	info, keys, vals := countMapInput(0)
	info.Key, info.Array, info.Name = nil, true, "@c"
	keys = [][]byte{le32(0)}
	vals = [][][]byte{{le64(3), le64(4)}}
	o.Map(MergeMap(info, keys, vals), 0, 0)
	// An all-zero array element is absent (never written, or cleared).
	o.Map(MergeMap(info, keys, [][][]byte{{le64(0), le64(0)}}), 0, 0)
	if out.String() != "@c: 7\n" {
		t.Errorf("got %q", out.String())
	}
}
