//go:build ignore

// gotarget: the Go target of the user-probe tests. It calls
// main.double N times (N from argv[1]) and exits.
package main

import (
	"os"
	"strconv"
)

var sink int

//go:noinline
func double(x int) int { return 2 * x }

func main() {
	n, _ := strconv.Atoi(os.Args[1])
	for i := 1; i <= n; i++ {
		sink += double(i)
	}
}
