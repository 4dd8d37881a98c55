// Package golden compares a test's output with a file checked in under
// testdata, and rewrites the file instead when the test runs with -update.
// Test code imports it; the flag exists only in test binaries that do.
package golden

import (
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files from the output")

// Updating reports whether the test runs with -update.
func Updating() bool { return *update }

// Check fails t when got differs from the file at path; with -update it
// writes got to path.
func Check(t testing.TB, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it)\n got:\n%s\nwant:\n%s", path, got, want)
	}
}
