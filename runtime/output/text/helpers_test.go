package text_test

import (
	"path/filepath"
	goldenfile "sonde/internal/golden"
	"strings"
	"testing"

	"sonde/runtime/mapdata"
	"sonde/runtime/mapdata/mapdatatest"
	"sonde/runtime/output/ndjson"
	"sonde/runtime/output/text"
)

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

// golden compares got with testdata/name.golden, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name+".golden"), got)
}
