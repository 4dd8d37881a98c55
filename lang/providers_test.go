package lang

import (
	"testing"

	"sonde/provider"
)

// Every name and alias in the provider catalogue parses as an attach point
// of that provider.
func TestParserAcceptsCatalogue(t *testing.T) {
	for _, p := range provider.All() {
		for _, n := range append(append([]string{p.Name}, p.Aliases...), p.Exact...) {
			if got, ok := CanonicalProvider(n); !ok || got != p.Name {
				t.Errorf("CanonicalProvider(%q) = %q, %v; want %s", n, got, ok, p.Name)
			}
			prog, err := Parse("t.sd", []byte(n+":a:b { }"))
			if err != nil {
				t.Errorf("%s:a:b: %v", n, err)
				continue
			}
			if got := prog.Probes[0].Attach[0].Provider; got != n {
				t.Errorf("%s:a:b parsed as provider %q", n, got)
			}
		}
	}
}
