package diskcache

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestPath(t *testing.T) {
	if _, err := os.Stat("/proc/sys/kernel/random/boot_id"); err != nil {
		t.Skip("no boot id:", err)
	}
	dir := t.TempDir()
	t.Setenv("SONDE_CACHE_DIR", dir)
	key := func(s string) func(io.Writer) bool {
		return func(w io.Writer) bool { io.WriteString(w, s); return true }
	}
	a, b := Path("x-", ".json", key("a")), Path("x-", ".json", key("b"))
	if filepath.Dir(a) != dir || !strings.HasPrefix(filepath.Base(a), "x-") || !strings.HasSuffix(a, ".json") {
		t.Errorf("Path = %q, want x-HASH.json in %s", a, dir)
	}
	if a == b || a != Path("x-", ".json", key("a")) {
		t.Errorf("Path is not a function of the key: %q, %q", a, b)
	}
	if p := Path("x-", "", func(io.Writer) bool { return false }); p != "" {
		t.Errorf("Path with a failing key = %q, want none", p)
	}
	t.Setenv("SONDE_CACHE_DIR", "off")
	if p := Path("x-", "", key("a")); p != "" {
		t.Errorf("Path with the cache off = %q, want none", p)
	}
}

func TestWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sub")
	path := filepath.Join(dir, "x-new.json")
	for _, f := range []string{"x-old.json", "y-keep.json"} {
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, f), nil, 0o644)
	}
	if !Write(path, "x-*.json", []byte("data")) {
		t.Fatal("Write failed")
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "data" {
		t.Errorf("read back %q, %v", b, err)
	}
	ents, _ := os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if want := []string{"x-new.json", "y-keep.json"}; !slices.Equal(names, want) {
		t.Errorf("files %v, want %v (stale removed, others kept, no temporary left)", names, want)
	}
}
