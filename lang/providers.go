package lang

import (
	"sort"

	"sonde/provider"
)

// CanonicalProvider returns the canonical name of a probe provider as
// written ("t" -> "tracepoint", "BEGIN" -> "begin"), from the provider
// catalogue: names are case-insensitive except `U`, which is usdt while
// `u` is uprobe.
func CanonicalProvider(name string) (string, bool) {
	p, ok := provider.Lookup(name)
	if !ok {
		return "", false
	}
	return p.Name, true
}

// providerNames lists the canonical names, sorted, for "did you mean".
var providerNames = func() []string {
	names := provider.Names()
	sort.Strings(names)
	return names
}()
