package ndjson_test

import (
	"strings"
	"testing"

	"sonde/runtime/mapdata/mapdatatest"
	"sonde/runtime/output"
	"sonde/runtime/output/ndjson"
	"sonde/types"
)

func TestJSONOutput(t *testing.T) {
	var out strings.Builder
	o := ndjson.New(&out, nil)
	msg := func(k output.Kind, s string) { o.Event(output.Event{Kind: k, Text: []byte(s)}) }
	value := func(v output.Value) { o.Event(output.Event{Kind: output.KindValue, Value: v}) }
	o.Event(output.Event{Kind: output.KindAttached, N: 1})
	msg(output.KindPrintf, "test \r \n \t \\ \" bar")
	value(output.I64(5))
	value(output.Tuple{output.I64(1), output.I64(2), output.Str("string")})
	value(output.Record{Names: []string{"m", "n"}, Fields: []output.Value{output.I64(2), output.I64(3)}})
	msg(output.KindTime, "12:34:56\n")
	msg(output.KindJoin, "/bin/echo,'A'")
	msg(output.KindCat, "x")
	msg(output.KindSystem, "a b c\n")
	o.Event(output.Event{Kind: output.KindErrorf, Text: []byte("bad"), Loc: output.SourceLoc{File: "stdin", Line: 1, Col: 9, EndCol: 62}})
	o.Event(output.Event{Kind: output.KindWarnf, Text: []byte("hmm"), Loc: output.SourceLoc{File: "stdin", Line: 2, Col: 3}})
	o.Event(output.Event{Kind: output.KindLost, N: 7})
	// A kind the format does not know is a record of its own type.
	msg(output.KindEnd+1, "new")
	o.Event(output.Event{Kind: output.KindEnd})
	o.Map(mapdatatest.Count("@map", types.StringType(8), map[string]uint64{
		string(mapdatatest.CStr("key1", 8)): 2, string(mapdatatest.CStr("key2", 8)): 3}), 0, 0)
	o.Map(mapdatatest.Count("@empty", types.Int64, nil), 0, 0)
	if err := o.Flush(); err != nil {
		t.Fatal(err)
	}
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
{"type": "event11", "data": "new"}
{"type": "map", "data": {"@map": {"key1": 2, "key2": 3}}}
`
	if out.String() != want {
		t.Errorf("\n got:\n%s\nwant:\n%s", out.String(), want)
	}
}
