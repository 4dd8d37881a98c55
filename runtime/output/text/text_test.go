package text_test

import (
	"errors"
	"strings"
	"testing"

	"sonde/runtime/mapdata"
	"sonde/runtime/mapdata/mapdatatest"
	"sonde/runtime/output"
	"sonde/runtime/output/text"
	"sonde/types"
)

func TestTextOutput(t *testing.T) {
	var out, errOut strings.Builder
	o := text.New(&out, &errOut, nil)
	msg := func(k output.Kind, s string) { o.Event(output.Event{Kind: k, Text: []byte(s)}) }
	o.Event(output.Event{Kind: output.KindAttached, N: 1})
	o.Event(output.Event{Kind: output.KindAttached, N: 3})
	msg(output.KindPrintf, "hello %\n")
	o.Event(output.Event{Kind: output.KindValue, Value: output.Tuple{output.I64(1), output.Str("a")}})
	msg(output.KindTime, "12:00:00\n")
	msg(output.KindJoin, "a b")
	msg(output.KindCat, "file\n")
	msg(output.KindSystem, "out\n")
	o.Event(output.Event{Kind: output.KindErrorf, Text: []byte("bad\n"), Loc: output.SourceLoc{File: "stdin", Line: 1, Col: 9, EndCol: 62}})
	o.Event(output.Event{Kind: output.KindWarnf, Text: []byte("hmm"), Loc: output.SourceLoc{File: "x.bt", Line: 3, Col: 2}})
	o.Event(output.Event{Kind: output.KindLost, N: 5})
	// A kind the format does not know prints as its message.
	msg(output.KindEnd+1, "new kind\n")
	o.Event(output.Event{Kind: output.KindEnd})
	o.Map(mapdatatest.Count("@a", types.Int64, map[string]uint64{string(le64(1)): 2}), 0, 0)
	o.Map(mapdatatest.Hist("@b", 0, 1), 0, 0)
	o.Map(mapdatatest.Count("@c", types.Int64, nil), 0, 0)
	if err := o.Flush(); err != nil {
		t.Fatal(err)
	}
	wantOut := "hello %\n(1, a)\n12:00:00\na b\nfile\nout\nnew kind\n" +
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

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestTextFlushReportsWriteError(t *testing.T) {
	o := text.New(failWriter{}, failWriter{}, nil)
	o.Event(output.Event{Kind: output.KindPrintf, Text: []byte("x")})
	if err := o.Flush(); err == nil || err.Error() != "disk full" {
		t.Errorf("Flush = %v, want the write error", err)
	}
}

type fakeSyms struct{}

func (fakeSyms) KernelSym(addr uint64) (string, uint64, bool) {
	if addr >= 0xffffffff81000000 && addr < 0xffffffff81001000 {
		return "do_sys_open", addr - 0xffffffff81000000, true
	}
	return "", 0, false
}

func (fakeSyms) UserSym(uint32, uint64) (string, uint64, bool) { return "", 0, false }

// A stack-keyed count map prints the frames inside the brackets.
func TestStackKeyedMap(t *testing.T) {
	env := output.DefaultEnv()
	env.Sym = fakeSyms{}
	env.StackFrames = func(m string, id uint64) ([]uint64, error) {
		if m != "stack_k" || id != 7 {
			return nil, errors.New("no such stack")
		}
		return []uint64{0xffffffff81000010, 0xffffffff82000000, 0, 0xdead}, nil
	}
	kstack := &types.Type{Kind: types.KStack, Size: 8, StackMode: types.StackBpftrace, StackLimit: 127, StackMap: "stack_k"}
	m := mapdatatest.Count("@", kstack, map[string]uint64{string(le64(7)): 12})
	var out strings.Builder
	text.New(&out, nil, env).Map(m, 0, 0)
	if want := "@[\n        do_sys_open+16\n        0xffffffff82000000\n]: 12\n"; out.String() != want {
		t.Errorf("stack map: %q", out.String())
	}
}

func TestPrintScalars(t *testing.T) {
	var out strings.Builder
	o := text.New(&out, nil, nil)
	// print(@m) of a keyless count map stored as an array.
	info, _, _ := mapdatatest.CountInput(0)
	info.Key, info.Array, info.Name = nil, true, "@c"
	keys := [][]byte{le32(0)}
	o.Map(mapdata.MergeSlices(info, keys, [][][]byte{{le64(3), le64(4)}}), 0, 0)
	// An all-zero array element is absent (never written, or cleared).
	o.Map(mapdata.MergeSlices(info, keys, [][][]byte{{le64(0), le64(0)}}), 0, 0)
	if out.String() != "@c: 7\n" {
		t.Errorf("got %q", out.String())
	}
}
