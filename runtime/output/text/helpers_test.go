package text_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sonde/runtime/mapdata"
	"sonde/runtime/mapdata/mapdatatest"
	"sonde/runtime/output/ndjson"
	"sonde/runtime/output/text"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// golden compares got with testdata/name.golden, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s mismatch\n got:\n%s\nwant:\n%s", name, got, want)
	}
}

var (
	le64 = mapdatatest.LE64
	le32 = mapdatatest.LE32
	cat  = mapdatatest.Cat
	cstr = mapdatatest.CStr
)

// textOf prints a map as text. The map cases check the NDJSON format
// (jsonOf) alongside, so the two formats' expectations sit side by side.
func textOf(m *mapdata.Map, top, div int) string {
	var b strings.Builder
	text.New(&b, nil, nil).Map(m, top, div)
	return b.String()
}

func jsonOf(m *mapdata.Map, top, div int) string {
	var b strings.Builder
	ndjson.New(&b, nil).Map(m, top, div)
	return b.String()
}
