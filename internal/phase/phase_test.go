package phase

import (
	"strings"
	"testing"
	"time"
)

func TestWrite(t *testing.T) {
	tests := []struct {
		name string
		fill func(*Timings)
		want string
	}{
		{"phases in order, repeats summed", func(t *Timings) {
			t.Add("parse", 200*time.Microsecond)
			t.Add("check", 2*time.Millisecond)
			t.Add("parse", 100*time.Microsecond)
			t.Add("attach", 50*time.Microsecond)
		}, "sonde: phases: parse 0.3ms, check 2.0ms, attach 50µs\n"},
		{"parts print with their parent", func(t *Timings) {
			t.AddPart("BTF", "check", time.Millisecond)
			t.Add("parse", time.Millisecond)
			t.Add("check", 3*time.Millisecond)
			t.AddPart("orphan", "nothing", time.Millisecond)
		}, "sonde: phases: parse 1.0ms, check 3.0ms (BTF 1.0ms), orphan 1.0ms\n"},
		{"few programs are listed per probe", func(t *Timings) {
			t.Add("load", time.Millisecond)
			t.Verify("BEGIN", 5)
			t.Verify("kprobe:f", 900)
		}, "sonde: phases: load 1.0ms\nsonde: verifier: 2 programs, 905 instructions processed; per probe: kprobe:f 900, BEGIN 5\n"},
		{"many programs show the largest", func(t *Timings) {
			t.Add("load", time.Millisecond)
			for i := 1; i <= 7; i++ {
				t.Verify(strings.Repeat("p", i), uint32(i))
			}
		}, "sonde: phases: load 1.0ms\nsonde: verifier: 7 programs, 28 instructions processed; largest: ppppppp 7, pppppp 6, ppppp 5, pppp 4, ppp 3\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tm Timings
			tt.fill(&tm)
			var b strings.Builder
			tm.Write(&b)
			if b.String() != tt.want {
				t.Errorf("got\n%q\nwant\n%q", b.String(), tt.want)
			}
		})
	}
}

func TestNilRecordsNothing(t *testing.T) {
	var tm *Timings
	tm.Add("parse", time.Second)
	tm.Verify("BEGIN", 1)
	tm.Write(nil) // must not touch the writer
	if tm.Get("parse") != 0 {
		t.Error("nil Timings returned a time")
	}
}
