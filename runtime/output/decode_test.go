package output

import (
	"testing"

	"sonde/types"
)

func TestDecode(t *testing.T) {
	rec := types.RecordOf([]string{"a", "b"}, []*types.Type{types.Int32, types.StringType(4)})
	enum := &types.Type{Kind: types.Enum, Size: 4, Name: "enum e", Enumerators: map[uint64]string{1: "ONE"}}
	st := &types.Type{Kind: types.Struct, Name: "struct s", Size: 8, Fields: []types.Field{
		{Name: "lo", Offset: 0, Type: types.Uint32, BitOff: 0, BitSize: 4},
		{Name: "hi", Offset: 0, Type: types.Int32, BitOff: 4, BitSize: 4},
		{Name: "p", Offset: 4, Type: types.Uint32},
	}}
	for _, c := range []struct {
		name string
		t    *types.Type
		b    []byte
		text string
		json string
	}{
		{"int8", types.Int8, []byte{0xff}, "-1", "-1"},
		{"uint16", types.Uint16, []byte{0xff, 0xff}, "65535", "65535"},
		{"int64 min", types.Int64, le64(1 << 63), "-9223372036854775808", "-9223372036854775808"},
		{"big uint64", types.Uint64, le64(1<<64 - 1), "18446744073709551615", `"18446744073709551615"`},
		{"2^53+1", types.Uint64, le64(1<<53 + 1), "9007199254740993", `"9007199254740993"`},
		{"2^60", types.Uint64, le64(1 << 60), "1152921504606846976", "1152921504606846976"},
		{"bool", types.BoolT, []byte{1}, "true", "true"},
		{"string", types.StringType(8), cstr("abc", 8), "abc", `"abc"`},
		{"truncated", types.StringType(4), []byte("abcd"), "abcd..", `"abcd.."`},
		{"escapes", types.StringType(16), cstr("a\"b\\\n\r\t\x01", 16), "a\"b\\\n\r\t\x01", `"a\"b\\\n\r\t\u0001"`},
		{"pointer", types.PointerTo(nil, false), le64(0x1f2e), "0x1f2e", "7982"},
		{"null pointer", types.PointerTo(nil, false), le64(0), "0x0", "0"},
		{"array", types.ArrayOf(types.Int32, 3), cat(le32(1), le32(2), le32(3)), "[1,2,3]", "[1,2,3]"},
		{"tuple", types.TupleOf(types.Int8, types.StringType(3), types.TupleOf(types.Int64, types.Int64)),
			cat([]byte{1}, cstr("hi", 7), le64(4), le64(5)), "(1, hi, (4, 5))", `[1,"hi",[4,5]]`},
		{"record", rec, cat(le32(2), cstr("x", 4)), "{ .a = 2, .b = x }", `{"a": 2, "b": "x"}`},
		{"enum", enum, le32(1), "ONE", "1"},
		{"unknown enum", enum, le32(7), "7", "7"},
		{"bitfields", st, cat([]byte{0xf3, 0, 0, 0}, le32(9)), "{ .lo = 3, .hi = -1, .p = 9 }", `{"lo": 3, "hi": -1, "p": 9}`},
		{"buffer", &types.Type{Kind: types.Buffer, Size: 8}, cat(le32(3), []byte{'a', 0, 0xfe, 'z'}), `a\x00\xfe`, "[97,0,-2]"},
		{"macaddr", &types.Type{Kind: types.Macaddr, Size: 6}, []byte{0, 0x1b, 0xab, 1, 2, 0xff}, "00:1B:AB:01:02:FF", `"00:1B:AB:01:02:FF"`},
		{"inet4", &types.Type{Kind: types.Inet, Size: 20}, cat(le32(2), []byte{127, 0, 0, 1}, make([]byte, 12)), "127.0.0.1", `"127.0.0.1"`},
		{"inet6", &types.Type{Kind: types.Inet, Size: 20}, cat(le32(10), []byte{0xfe, 0x80, 14: 0, 15: 1}), "fe80::1", `"fe80::1"`},
		{"errno", &types.Type{Kind: types.Errno, Size: 8}, le64(7), "Argument list too long", `"Argument list too long"`},
		{"short input", types.Int64, []byte{5}, "5", "5"},
		{"void", types.VoidT, nil, "null", "null"},
	} {
		v := Decode(c.t, c.b)
		if got := TextString(v, nil); got != c.text {
			t.Errorf("%s: text %q, want %q", c.name, got, c.text)
		}
		if got := string(AppendJSON(nil, v, nil)); got != c.json {
			t.Errorf("%s: json %s, want %s", c.name, got, c.json)
		}
	}
}

func TestDecodeArgs(t *testing.T) {
	args := types.TupleOf(types.Int32, types.StringType(16), types.Uint64)
	vals := DecodeArgs(args, cat(le32(0xfffffff9), cstr("bash", 16), le32(0), le64(42)))
	got, err := Sprintf("%d %s %lu\n", vals, nil)
	if err != nil || got != "-7 bash 42\n" {
		t.Errorf("got %q, %v", got, err)
	}
}
