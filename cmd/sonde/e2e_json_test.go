package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// -f json: NDJSON, one record per line, exactly as reference 6.6.
func TestE2EJSON(t *testing.T) {
	j := []string{"-f", "json"}
	att := `{"type": "attached_probes", "count": 1, "data": {"probes": 1}}` + "\n"
	cases := []e2eCase{
		{name: "printf", flags: j, prog: `BEGIN { printf("test %d\n", 5); printf("q\"b\\s\tx"); }`,
			want: att + `{"type": "printf", "data": "test 5\n"}` + "\n" + `{"type": "printf", "data": "q\"b\\s\tx"}` + "\n"},
		{name: "value", flags: j, prog: `BEGIN { print(5); print(-3); print("str"); print((1, 2, "string")); print(true); }`,
			want: att + `{"type": "value", "data": 5}` + "\n" +
				`{"type": "value", "data": -3}` + "\n" +
				`{"type": "value", "data": "str"}` + "\n" +
				`{"type": "value", "data": [1,2,"string"]}` + "\n" +
				`{"type": "value", "data": true}` + "\n"},
		{name: "map_keyed", flags: j, prog: `BEGIN { @map["key1"] = 2; @map["key2"] = 3; }`,
			want: att + `{"type": "map", "data": {"@map": {"key1": 2, "key2": 3}}}` + "\n"},
		{name: "map_scalar", flags: j, prog: `BEGIN { @scalar = 5; }`,
			want: att + `{"type": "map", "data": {"@scalar": 5}}` + "\n"},
		{name: "map_int_key_count", flags: j, prog: `BEGIN { @a[1] = count(); @a[2] = count(); @a[2] = count(); }`,
			want: att + `{"type": "map", "data": {"@a": {"1": 1, "2": 2}}}` + "\n"},
		{name: "map_tuple_key", flags: j, prog: `BEGIN { @x["bpftrace", 2] = 5; }`,
			want: att + `{"type": "map", "data": {"@x": {"bpftrace,2": 5}}}` + "\n"},
		{name: "map_string_value", flags: j, prog: `BEGIN { @s = "a\"b"; }`,
			want: att + `{"type": "map", "data": {"@s": "a\"b"}}` + "\n"},
		{name: "maps_in_order", flags: j, prog: `BEGIN { @b = 2; @a = 1; @c[1] = 3; }`,
			want: att + `{"type": "map", "data": {"@a": 1}}` + "\n" +
				`{"type": "map", "data": {"@b": 2}}` + "\n" +
				`{"type": "map", "data": {"@c": {"1": 3}}}` + "\n"},
		{name: "empty_keyed_map_not_emitted", flags: j, prog: `BEGIN { @a[1] = 1; delete(@a, 1); @b = 1; }`,
			want: att + `{"type": "map", "data": {"@b": 1}}` + "\n"},
		{name: "hist", flags: j, prog: `BEGIN { @hist = hist(-1); @hist = hist(0); @hist = hist(1); @hist = hist(2); @hist = hist(3); @hist = hist(1024); }`,
			want: att + `{"type": "hist", "data": {"@hist": [{"max": -1, "count": 1},{"min": 0, "max": 0, "count": 1},{"min": 1, "max": 1, "count": 1},{"min": 2, "max": 3, "count": 2},{"min": 4, "max": 7, "count": 0},{"min": 8, "max": 15, "count": 0},{"min": 16, "max": 31, "count": 0},{"min": 32, "max": 63, "count": 0},{"min": 64, "max": 127, "count": 0},{"min": 128, "max": 255, "count": 0},{"min": 256, "max": 511, "count": 0},{"min": 512, "max": 1023, "count": 0},{"min": 1024, "max": 2047, "count": 1}]}}` + "\n"},
		{name: "hist_keyed", flags: j, prog: `BEGIN { @[1] = hist(2); @[1] = hist(2); @[2] = hist(5); }`,
			want: att + `{"type": "hist", "data": {"@": {"2": [{"min": 4, "max": 7, "count": 1}], "1": [{"min": 2, "max": 3, "count": 2}]}}}` + "\n"},
		{name: "lhist", flags: j, prog: `BEGIN { @l = lhist(-1, 0, 10, 5); @l = lhist(7, 0, 10, 5); @l = lhist(11, 0, 10, 5); }`,
			want: att + `{"type": "hist", "data": {"@l": [{"max": -1, "count": 1},{"min": 0, "max": 4, "count": 0},{"min": 5, "max": 9, "count": 1},{"min": 10, "count": 1}]}}` + "\n"},
		{name: "stats", flags: j, prog: `BEGIN { @stats = stats(2); @stats = stats(10); }`,
			want: att + `{"type": "stats", "data": {"@stats": {"count": 2, "average": 6, "total": 12}}}` + "\n"},
		{name: "stats_keyed", flags: j, prog: `BEGIN { @s["a"] = stats(4); }`,
			want: att + `{"type": "stats", "data": {"@s": {"a": {"count": 1, "average": 4, "total": 4}}}}` + "\n"},
		{name: "avg", flags: j, prog: `BEGIN { @["c"] = avg(3); @["d"] = avg(4); @["d"] = avg(4); @x = avg(9); }`,
			want: att + `{"type": "stats", "data": {"@": {"c": 3, "d": 4}}}` + "\n" +
				`{"type": "stats", "data": {"@x": 9}}` + "\n"},
		{name: "print_map", flags: j, prog: `BEGIN { @m[1] = 7; print(@m); clear(@m); }`,
			want: att + `{"type": "map", "data": {"@m": {"1": 7}}}` + "\n"},
		{name: "time", flags: j, prog: `BEGIN { time(); }`,
			re: `^` + strings.ReplaceAll(att, "{", `\{`) + `\{"type": "time", "data": "\d\d:\d\d:\d\d\\n"\}` + "\n$"},
		{name: "join", flags: j, cmd: `sh -c '/bin/echo a b c >/dev/null'`,
			prog: `tracepoint:syscalls:sys_enter_execve /str(args.filename) == "/bin/echo"/ { join(args.argv); exit(); }`,
			re:   `^` + strings.ReplaceAll(att, "{", `\{`) + `\{"type": "join", "data": "/bin/echo a b c(\\n)?"\}` + "\n$"},
		{name: "large_unsigned_as_string", flags: j, prog: `BEGIN { @big = (uint64)-1; @ok = 9007199254740992; }`,
			want: att + `{"type": "map", "data": {"@big": "18446744073709551615"}}` + "\n" +
				`{"type": "map", "data": {"@ok": 9007199254740992}}` + "\n"},
		{name: "attached_count", flags: j, prog: `BEGIN { } END { } interval:ms:10 { exit(); }`,
			want: `{"type": "attached_probes", "count": 3, "data": {"probes": 3}}` + "\n"},
	}
	for i := range cases {
		prev := cases[i].check
		cases[i].errRe = `^$` // in JSON mode nothing goes to stderr
		cases[i].check = func(t *testing.T, stdout, stderr string) {
			validNDJSON(t, stdout)
			if prev != nil {
				prev(t, stdout, stderr)
			}
		}
	}
	runE2E(t, cases)
}

// validNDJSON checks that every line is one JSON object with a "type".
func validNDJSON(t *testing.T, s string) {
	t.Helper()
	if s != "" && !strings.HasSuffix(s, "\n") {
		t.Errorf("output does not end with a newline: %q", s)
	}
	for i, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		if line == "" {
			t.Errorf("line %d is empty", i+1)
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("line %d is not JSON: %v\n%s", i+1, err, line)
			continue
		}
		if _, ok := rec["type"].(string); !ok {
			t.Errorf("line %d has no type: %s", i+1, line)
		}
	}
}
