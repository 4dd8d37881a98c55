package compiler

import "testing"

func TestRawLayout(t *testing.T) {
	nr := TracepointField{Name: "__syscall_nr", Offset: 8, Size: 4}
	arg := func(name string, i int) TracepointField {
		return TracepointField{Name: name, Offset: 16 + 8*i, Size: 8}
	}
	tests := []struct {
		name   string
		fields []TracepointField
		exit   bool
		want   bool
	}{
		{"enter, no args", []TracepointField{nr}, false, true},
		{"enter, args in order", []TracepointField{nr, arg("fd", 0), arg("buf", 1), arg("count", 2)}, false, true},
		{"enter, a gap", []TracepointField{nr, arg("fd", 0), arg("count", 2)}, false, false},
		{"enter, a 4-byte arg", []TracepointField{nr, {Name: "fd", Offset: 16, Size: 4}}, false, false},
		{"enter, a data_loc", []TracepointField{nr, {Name: "s", Offset: 16, Size: 8, DataLoc: true}}, false, false},
		{"enter, seven args", []TracepointField{nr, arg("a", 0), arg("b", 1), arg("c", 2), arg("d", 3), arg("e", 4), arg("f", 5), arg("g", 6)}, false, false},
		{"no syscall number", []TracepointField{arg("fd", 0)}, false, false},
		{"exit", []TracepointField{nr, arg("ret", 0)}, true, true},
		{"exit without ret", []TracepointField{nr, arg("x", 0)}, true, false},
	}
	for _, tt := range tests {
		if got := rawLayout(tt.fields, tt.exit); got != tt.want {
			t.Errorf("%s: rawLayout = %v, want %v", tt.name, got, tt.want)
		}
	}
}
