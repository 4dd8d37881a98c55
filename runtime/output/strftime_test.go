package output

import (
	"testing"
	"time"
)

func TestStrftime(t *testing.T) {
	loc := time.FixedZone("CET", 3600)
	tm := time.Date(2024, time.March, 5, 14, 7, 9, 123456789, loc)
	for _, c := range []struct{ f, want string }{
		{"%H:%M:%S\n", "14:07:09\n"},
		{"%H:%M:%S.%f", "14:07:09.123456"},
		{"%k %l", "123456789 123"}, // bpftrace's ns and ms extensions
		{"%Y-%m-%d %y %j", "2024-03-05 24 065"},
		{"%a %A %b %B %h", "Tue Tuesday Mar March Mar"},
		{"%e|%D|%F|%T|%R", " 5|03/05/24|2024-03-05|14:07:09|14:07"},
		{"%I %p %P %r", "02 PM pm 02:07:09 PM"},
		{"%Z %z", "CET +0100"},
		{"%s", "1709644029"},
		{"%u %w %U %W %V %G %g %C", "2 2 09 10 10 2024 24 20"},
		{"%c", "Tue Mar  5 14:07:09 2024"},
		{"%x %X", "03/05/24 14:07:09"},
		{"%-d %_m %%", "5  3 %"},
		{"%q %", "%q %"},
		{"%n%t", "\n\t"},
	} {
		if got := Strftime(c.f, tm); got != c.want {
			t.Errorf("Strftime(%q) = %q, want %q", c.f, got, c.want)
		}
	}
}

func TestTimestampValue(t *testing.T) {
	env := DefaultEnv()
	env.BootTime = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	env.Location = time.UTC
	v := Timestamp{NS: uint64(90*time.Minute + 1500*time.Microsecond), Format: "%H:%M:%S.%f"}
	if got := TextString(v, env); got != "01:30:00.001500" {
		t.Errorf("got %q", got)
	}
	if got := string(AppendJSON(nil, v, env)); got != `"01:30:00.001500"` {
		t.Errorf("json %s", got)
	}
	// The epoch itself is bpftrace's "(?)", as is an empty result.
	env.BootTime = time.Unix(0, 0)
	if got := TextString(Timestamp{NS: 0, Format: "%H"}, env); got != "(?)" {
		t.Errorf("epoch: %q", got)
	}
}
