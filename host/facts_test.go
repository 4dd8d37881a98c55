package host

import (
	"errors"
	"fmt"
	"os"
	"testing"
)

// eachBinary: one binary as is; "*" needs -p and gathers over the
// process's files, skipping the ones that fail.
func TestEachBinary(t *testing.T) {
	self := func(b string) ([]string, error) { return []string{b}, nil }
	fail := func(string) ([]string, error) { return nil, errors.New("no") }
	if got, err := eachBinary("/bin/x", "f", 0, "function", self); err != nil || len(got) != 1 || got[0] != "/bin/x" {
		t.Errorf("one binary: %v, %v", got, err)
	}
	if _, err := eachBinary("*", "f", 0, "function", self); err == nil {
		t.Error(`"*" without -p: no error`)
	}
	pid := os.Getpid()
	if got, err := eachBinary("*", "f", pid, "function", self); err != nil || len(got) == 0 {
		t.Errorf(`"*" over this process: %v, %v`, got, err)
	}
	want := fmt.Sprintf("no USDT probe f in the files of process %d", pid)
	if _, err := eachBinary("*", "f", pid, "USDT probe", fail); err == nil || err.Error() != want {
		t.Errorf(`"*" where every file fails: %v, want %q`, err, want)
	}
}
