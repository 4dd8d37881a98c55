package lang

import "testing"

// ParseInt reads counts in attach points as integer literals, not
// durations.
func TestParseInt(t *testing.T) {
	for _, c := range []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"1000", 1000, true}, {"1e6", 1000000, true}, {"1_000", 1000, true}, {"0x10", 16, true},
		{"100ms", 0, false}, {"1.5", 0, false}, {"", 0, false}, {"abc", 0, false},
	} {
		got, err := ParseInt(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseInt(%q) = %d, %v; want %d, ok %v", c.in, got, err, c.want, c.ok)
		}
	}
}
