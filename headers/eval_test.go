package headers

import (
	"testing"
)

// Values as a C compiler for x86-64 computes them.
func TestEvalConstant(t *testing.T) {
	tests := []struct {
		expr     string
		want     int64
		unsigned bool
	}{
		{"42", 42, false},
		{"0x1f", 31, false},
		{"0777", 511, false},
		{"0", 0, false},
		{"1UL << 63", -1 << 63, true},
		{"~0U", 0xffffffff, true},
		{"~0UL", -1, true},
		{"~0", -1, false},
		{"0x80000000", 0x80000000, true},
		{"2147483648", 2147483648, false},
		{"(1 << 4) | (1 << 2)", 20, false},
		{"-7 / 2", -3, false},
		{"-7 % 3", -1, false},
		{"10 - 2 - 3", 5, false},
		{"2 + 3 * 4", 14, false},
		{"(unsigned int)-1", 0xffffffff, true},
		{"(unsigned char)0x1ff", 0xff, false},
		{"(__u16)-1", 0xffff, false},
		{"(long)1 << 40", 1 << 40, false},
		{"((__force gfp_t)0x400u)", 0x400, true},
		{"(int)(unsigned long)4096", 4096, false},
		{"1 ? 2 : 3", 2, false},
		{"0 ? 2 : 3", 3, false},
		{"3 > 2 && 1", 1, false},
		{"'A'", 65, false},
		{"'\\n'", 10, false},
		{"-1 < 0U", 0, false}, // -1 becomes UINT_MAX
		{"0xffffffffffffffff", -1, true},
	}
	for _, tt := range tests {
		r := newReader(nil, nil, nil)
		r.define("X "+tt.expr, "test.h")
		v, ok := r.constant("X")
		if !ok {
			t.Errorf("%s: not a constant", tt.expr)
			continue
		}
		if v.v != tt.want || v.u != tt.unsigned {
			t.Errorf("%s = %d (unsigned %v), want %d (unsigned %v)", tt.expr, v.v, v.u, tt.want, tt.unsigned)
		}
	}
}

// What is not an integer constant expression is no constant, and no error.
func TestEvalNotConstant(t *testing.T) {
	for _, expr := range []string{
		`"string"`, "((void *)0)", "1.5", "x + 1", "1 +", "(1", "1 / 0", "1 << 64",
		"sizeof(int)", "F(1)", "{1}", "", "1 2", "(struct s *)0",
	} {
		r := newReader(nil, nil, nil)
		r.define("X "+expr, "test.h")
		if v, ok := r.constant("X"); ok {
			t.Errorf("%q = %d, want no constant", expr, v.v)
		}
	}
}

// #if arithmetic, defined, and what the preprocessor takes as false.
func TestCondition(t *testing.T) {
	tests := []struct {
		expr string
		want bool
	}{
		{"1", true},
		{"0", false},
		{"defined(ONE)", true},
		{"defined ONE && !defined(NONE)", true},
		{"NONE", false}, // an undefined name is 0
		{"NONE == 0", true},
		{"ONE + 1 == 2", true},
		{"__x86_64__", true},
		{"__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__", true},
		{"FN(1) == 2", true},
		{"UNDEFINED_FN(1)", false},
		{"__has_include(<x.h>)", false},
		{"-1 > 0", false},
		{"0xffffffff > 0", true},
		{"(1 << 40) > 0", true}, // 64-bit in #if
	}
	for _, tt := range tests {
		r := newReader(nil, nil, predefined(false))
		r.define("ONE 1", "t.h")
		r.define("FN(x) ((x) + 1)", "t.h")
		if got := r.condition(tt.expr); got != tt.want {
			t.Errorf("#if %s = %v, want %v", tt.expr, got, tt.want)
		}
	}
}

func TestClean(t *testing.T) {
	in := "#define A 1 /* one\n two */\n#define B \\\n 2 // two\nchar *s = \"/* not a comment */\";\n"
	want := "#define A 1  \n#define B  2 \nchar *s = \"/* not a comment */\";\n"
	if got := string(clean([]byte(in))); got != want {
		t.Errorf("clean:\n%q\nwant\n%q", got, want)
	}
}
