package format

import (
	"testing"

	"sonde/types"
)

func TestCheck(t *testing.T) {
	str := types.StringType(16)
	buf := &types.Type{Kind: types.Buffer, Size: 20}
	for _, c := range []struct {
		format string
		args   []*types.Type
		msg    string
		off    int
	}{
		{"%d %s\n", []*types.Type{types.Int64, str}, "", 0},
		{"%d %s\n", []*types.Type{types.Int64}, "not enough arguments for format string (1 supplied, 2 expected)", 3},
		{"%d\n", []*types.Type{types.Int64, str}, "too many arguments for format string (2 supplied, 1 expected)", -1},
		{"x %d", []*types.Type{str}, "unsupported format specifier for type 'string[16]': d", 2},
		{"%f", []*types.Type{types.Int64}, "unsupported format specifier: f", 0},
		{"ab %r", []*types.Type{types.Int64}, "unsupported format specifier for type 'int64': r", 3},
		{"%rx %p %c", []*types.Type{buf, types.PointerTo(nil, false), types.BoolT}, "", 0},
		{"%s", []*types.Type{types.VoidT}, "unable to print none type for specifier: s", 0},
		{"100%%", nil, "", 0},
	} {
		err := Check(c.format, c.args)
		if c.msg == "" {
			if err != nil {
				t.Errorf("Check(%q): %v", c.format, err)
			}
			continue
		}
		fe, ok := err.(*Error)
		if !ok || fe.Msg != c.msg || fe.Offset != c.off {
			t.Errorf("Check(%q) = %#v, want %q at %d", c.format, err, c.msg, c.off)
		}
	}
}

func TestParse(t *testing.T) {
	f := Parse("a %-5.2ld b %% %rx %q end")
	if len(f.Specs) != 2 || f.Specs[0].Verb != "d" || !f.Specs[0].Left || f.Specs[0].Width != 5 || f.Specs[0].Prec != 2 || f.Specs[0].Length != "l" || f.Specs[1].Verb != "rx" {
		t.Fatalf("specs %+v", f.Specs)
	}
	if want := []string{"a ", " b % ", " %q end"}; len(f.Text) != 3 || f.Text[0] != want[0] || f.Text[1] != want[1] || f.Text[2] != want[2] {
		t.Errorf("text %q, want %q", f.Text, want)
	}
}
