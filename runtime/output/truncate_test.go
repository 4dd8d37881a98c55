package output

import (
	"testing"

	"sonde/types"
)

// str() marks a cut string with 0xff where its NUL would be; the mark must
// read the same in an event field of the string's own size and in a map
// key padded wider.
func TestDecodeTruncatedStrings(t *testing.T) {
	for _, c := range []struct {
		name string
		b    string
		size int
		want string
	}{
		{"fits", "abc\x00", 4, "abc"},
		{"cut, own size", "abc\xff", 4, "abc.."},
		{"cut, padded key", "abc\xff\x00\x00\x00\x00", 8, "abc.."},
		{"char array without NUL", "abcd", 4, "abcd.."},
		{"empty", "\x00\x00", 2, ""},
	} {
		got := TextString(Decode(types.StringType(c.size), []byte(c.b)), nil)
		if got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
