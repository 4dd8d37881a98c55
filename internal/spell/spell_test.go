package spell

import "testing"

func TestDidYouMean(t *testing.T) {
	for _, tc := range []struct {
		name string
		cand []string
		want string
	}{
		{"kprobez", []string{"kretprobe", "kprobe", "uprobe"}, "kprobe"},
		{"tracepiont", []string{"tracepoint", "rawtracepoint"}, "tracepoint"},
		{"pid", []string{"pid"}, ""},
		{"xyz", []string{"count", "sum"}, ""},
		{"cnt", []string{"count"}, ""},
		{"coutn", []string{"count"}, "count"},
	} {
		if got := DidYouMean(tc.name, tc.cand); got != tc.want {
			t.Errorf("DidYouMean(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}
