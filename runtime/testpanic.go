//go:build !sondetest

package runtime

// testPanic is a no-op outside binaries built with -tags sondetest, where
// it makes the runtime panic at a chosen point (testpanic_sondetest.go).
func testPanic(string) {}
