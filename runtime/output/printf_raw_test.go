package output

import (
	"math/rand/v2"
	"testing"

	"sonde/types"
)

// TestAppendRaw checks the allocation-free printf path against decoding
// the payload and formatting the values, over every verb and flag mix the
// fast path handles, for integer, string, bool and pointer fields.
func TestAppendRaw(t *testing.T) {
	fieldTypes := []*types.Type{
		types.Int8, types.Uint8, types.Int32, types.Uint32, types.Int64, types.Uint64,
		types.StringType(6), types.StringType(16), types.BoolT, types.PointerTo(types.Uint8, false), types.CgroupT,
	}
	verbs := []string{"d", "i", "u", "o", "x", "X", "c", "p", "s", "r", "rx", "ld", "hhd", "hu", "lx", "e"}
	flags := []string{"", "-", "+", " ", "#", "0", "5", "-8", "08", ".3", ".0", "+06", "#10", "12.5"}
	r := rand.New(rand.NewPCG(3, 4))
	env := &Env{TruncTrailer: "~~"}
	for n := 0; n < 4000; n++ {
		nf := 1 + r.IntN(3)
		var elems []*types.Type
		format := "<"
		for i := 0; i < nf; i++ {
			elems = append(elems, fieldTypes[r.IntN(len(fieldTypes))])
			format += "%" + flags[r.IntN(len(flags))] + verbs[r.IntN(len(verbs))] + "|"
		}
		layout := types.TupleOf(elems...)
		payload := make([]byte, layout.Size)
		for i := range payload {
			switch r.IntN(4) {
			case 0:
				payload[i] = 0
			case 1:
				payload[i] = 0xff
			default:
				payload[i] = byte('a' + r.IntN(26))
			}
		}
		f := ParseFormat(format)
		want := string(f.Append(nil, DecodeArgs(layout, payload), env))
		got := string(f.AppendRaw(nil, layout, payload, env))
		if got != want {
			t.Fatalf("format %q over %v, payload %x:\n got %q\nwant %q", format, layout, payload, got, want)
		}
	}
}

func TestAppendRawAllocs(t *testing.T) {
	layout := types.TupleOf(types.Int64, types.StringType(16))
	payload := make([]byte, layout.Size)
	copy(payload, "\x39\x30\x00\x00\x00\x00\x00\x00bash")
	f := ParseFormat("%d %s\n")
	buf := make([]byte, 0, 64)
	if got := string(f.AppendRaw(buf, layout, payload, nil)); got != "12345 bash\n" {
		t.Fatalf("got %q", got)
	}
	if n := testing.AllocsPerRun(100, func() { buf = f.AppendRaw(buf[:0], layout, payload, nil) }); n != 0 {
		t.Errorf("AppendRaw allocates %v times per event", n)
	}
}

func BenchmarkPrintfRaw(b *testing.B) {
	layout := types.TupleOf(types.Int64, types.StringType(16))
	payload := make([]byte, layout.Size)
	copy(payload, "\x39\x30\x00\x00\x00\x00\x00\x00bash")
	f := ParseFormat("%d %s\n")
	var buf []byte
	for b.Loop() {
		buf = f.AppendRaw(buf[:0], layout, payload, nil)
	}
}

func BenchmarkPrintfDecoded(b *testing.B) {
	layout := types.TupleOf(types.Int64, types.StringType(16))
	payload := make([]byte, layout.Size)
	copy(payload, "\x39\x30\x00\x00\x00\x00\x00\x00bash")
	f := ParseFormat("%d %s\n")
	var buf []byte
	for b.Loop() {
		buf = f.Append(buf[:0], DecodeArgs(layout, payload), nil)
	}
}
