//go:build sondetest

package runtime

import "os"

// testPanic panics when SONDE_TEST_PANIC names point: the exit-path tests
// (cmd/sonde/e2e_cleanup_test.go) build sonde with -tags sondetest to
// check that a panic half way still detaches everything. Release builds
// do not read the variable.
func testPanic(point string) {
	if os.Getenv("SONDE_TEST_PANIC") == point {
		panic("SONDE_TEST_PANIC at " + point)
	}
}
