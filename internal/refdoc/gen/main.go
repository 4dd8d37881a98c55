// Command gen writes sonde's language reference (docs/reference.md) from the
// catalogue; `go generate ./...` runs it from internal/refdoc.
package main

import (
	"fmt"
	"os"

	"sonde/internal/refdoc"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gen FILE")
		os.Exit(2)
	}
	if err := os.WriteFile(os.Args[1], refdoc.Markdown(refdoc.All()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
