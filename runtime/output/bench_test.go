package output

import "testing"

func BenchmarkSprintf(b *testing.B) {
	f := ParseFormat("%-16s %6d %08x %s\n")
	args := []Value{Str("bash"), I64(1234), U64(0xbeef), Str("/etc/passwd")}
	var buf []byte
	for b.Loop() {
		buf = f.Append(buf[:0], args, nil)
	}
}
