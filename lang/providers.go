package lang

import (
	"sort"
	"strings"
)

// providers maps every probe provider name and alias, lower-cased, to
// its canonical name (reference section 1, plus `tp`).
var providers = map[string]string{
	"begin": "begin", "end": "end", "self": "self", "test": "test", "bench": "bench",
	"tracepoint": "tracepoint", "t": "tracepoint", "tp": "tracepoint",
	"rawtracepoint": "rawtracepoint", "rt": "rawtracepoint",
	"kprobe": "kprobe", "k": "kprobe",
	"kretprobe": "kretprobe", "kr": "kretprobe",
	"uprobe": "uprobe", "u": "uprobe",
	"uretprobe": "uretprobe", "ur": "uretprobe",
	"usdt":    "usdt",
	"profile": "profile", "p": "profile",
	"interval": "interval", "i": "interval",
	"software": "software", "s": "software",
	"hardware": "hardware", "h": "hardware",
	"watchpoint": "watchpoint", "w": "watchpoint",
	"fentry": "fentry", "f": "fentry", "kfunc": "fentry",
	"fexit": "fexit", "fr": "fexit", "kretfunc": "fexit",
	"iter": "iter", "it": "iter",
}

// CanonicalProvider returns the canonical name of a probe provider as
// written ("t" -> "tracepoint", "BEGIN" -> "begin"). Names are
// case-insensitive except `U`, which is usdt while `u` is uprobe.
func CanonicalProvider(name string) (string, bool) {
	if name == "U" {
		return "usdt", true
	}
	p, ok := providers[strings.ToLower(name)]
	return p, ok
}

// providerNames lists the canonical names, for "did you mean".
var providerNames = func() []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range providers {
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out
}()
