package output

import (
	"fmt"
	"testing"
)

func TestSprintf(t *testing.T) {
	i := func(n int64) Value { return I64(n) }
	u := func(n uint64) Value { return U64(n) }
	for _, c := range []struct {
		format string
		args   []Value
		want   string
	}{
		{"hello world\n", nil, "hello world\n"},
		{"test %d", []Value{i(5)}, "test 5"},
		{"%d %i %u", []Value{i(-3), i(7), i(-1)}, "-3 7 4294967295"},
		// Without a length modifier the value is cast to int, as C would.
		{"%d|%ld|%lld|%lu", []Value{u(5000000000), u(5000000000), i(-2), i(-1)}, "705032704|5000000000|-2|18446744073709551615"},
		{"%hhd %hd %hhu %hu", []Value{i(200), i(70000), i(-1), i(-1)}, "-56 4464 255 65535"},
		{"%x %X %o %#x %#X %#o %#x %#o", []Value{i(255), i(255), i(8), i(255), i(255), i(8), i(0), i(0)}, "ff FF 10 0xff 0XFF 010 0 0"},
		{"%lx", []Value{i(-1)}, "ffffffffffffffff"},
		{"[%5d] [%-5d] [%05d] [%+d] [%+d] [% d]", []Value{i(42), i(42), i(42), i(42), i(-42), i(42)}, "[   42] [42   ] [00042] [+42] [-42] [ 42]"},
		// iostream fill ignores the sign: zeros go before it.
		{"[%06d] [%-06d]", []Value{i(-42), i(-42)}, "[-00042] [-42   ]"},
		{"%c%c%c", []Value{i(104), i(105), i(0x121)}, "hi!"},
		{"[%s] [%5s] [%-5s] [%.2s] [%05s]", []Value{Str("ab"), Str("ab"), Str("ab"), Str("abcdef"), Str("ab")}, "[ab] [   ab] [ab   ] [ab] [000ab]"},
		{"%s %s %+s", []Value{i(12), Bool(true), i(3)}, "12 true +3"},
		{"%s", []Value{String{S: "abc", Truncated: true}}, "abc.."},
		{"%p %p %p", []Value{Pointer(4096), i(0), Pointer(0xffff8880)}, "0x1000 0 0xffff8880"},
		{"%s", []Value{Pointer(0)}, "0x0"},
		{"%d %s", []Value{Enum{Num: 1, Name: "ONE"}, Enum{Num: 1, Name: "ONE"}}, "1 ONE"},
		{"100%% %d%%", []Value{i(5)}, "100% 5%"},
		{"%5%|", nil, "%|"},
		{"%y %", nil, "%y %"},
		{"%r|%rx|%rh", []Value{Buffer("a\x00\xfe"), Buffer("ab"), Buffer("\x0a\xfe")}, `a\x00\xfe|\x61\x62|0a fe`},
		{"%d", []Value{Str("x")}, "!{invalid integer conversion: x}"},
		{"%s", []Value{Tuple{i(1), Str("a"), Tuple{i(4), i(5)}}}, "(1, a, (4, 5))"},
	} {
		got, err := Sprintf(c.format, c.args, nil)
		if err != nil {
			t.Errorf("Sprintf(%q): %v", c.format, err)
			continue
		}
		if got != c.want {
			t.Errorf("Sprintf(%q)\n got %q\nwant %q", c.format, got, c.want)
		}
	}
}

// Where C and iostreams agree, bpftrace matches Go's fmt.
func TestSprintfMatchesFmt(t *testing.T) {
	for _, f := range []string{"%d", "%5d", "%-5d", "%05d", "%+d", "%x", "%X", "%#x", "%o", "%8x", "%-8X|"} {
		for _, n := range []int64{0, 1, 42, 255, 65535, 123456789} {
			if f == "%#x" && n == 0 {
				continue // C prints "0", Go "0x0"
			}
			got, _ := Sprintf(f, []Value{I64(n)}, nil)
			if want := fmt.Sprintf(f, n); got != want {
				t.Errorf("%s of %d: got %q, fmt says %q", f, n, got, want)
			}
		}
	}
	for _, f := range []string{"%s", "%10s", "%-10s|"} {
		got, _ := Sprintf(f, []Value{Str("bpf")}, nil)
		if want := fmt.Sprintf(f, "bpf"); got != want {
			t.Errorf("%s: got %q, want %q", f, got, want)
		}
	}
}
