package main

import (
	"fmt"
	"io"
	"strings"

	"sonde/internal/refdoc"
)

// help prints the reference entries called name, as `go doc` prints a
// declaration, or with no name the kinds and their names. An unknown name
// exits 1 with the names it is close to.
func help(args []string, stdout, stderr io.Writer) int {
	docs := refdoc.All()
	if len(args) == 0 {
		fmt.Fprint(stdout, refdoc.Index(docs))
		return 0
	}
	if len(args) > 1 {
		fmt.Fprintf(stderr, "sonde: help takes one name, not %d\n", len(args))
		return 2
	}
	found := refdoc.Lookup(docs, args[0])
	if len(found) == 0 {
		fmt.Fprintf(stderr, "sonde: no builtin, function, probe type, config key or format named %s", args[0])
		if s := refdoc.Suggest(docs, args[0]); len(s) > 0 {
			fmt.Fprintf(stderr, "; did you mean %s?", strings.Join(s, " or "))
		}
		fmt.Fprint(stderr, "\n(sonde help lists them all)\n")
		return 1
	}
	for i, d := range found {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		fmt.Fprint(stdout, refdoc.Text(d))
	}
	return 0
}
