package report

import (
	"testing"

	"sonde/internal/browser"
)

// CheckPage checks what every report shows: a section per map, each
// drawn (a chart, a flame graph, a table or "empty"), and bars for the
// buckets of the hist maps in bars (map name -> bars).
func CheckPage(t *testing.T, b *browser.Browser, page string, bars map[string]int) {
	t.Helper()
	var sections []struct {
		Name  string
		Drawn bool
		Bars  int
	}
	b.Eval(t, `Array.from(document.querySelectorAll("section.map")).map(s => ({
		Name: s.getAttribute("data-name"),
		Drawn: !!s.querySelector("svg.hist, svg.series, svg.sonde-flame, table, p.empty"),
		Bars: s.querySelectorAll("svg.hist .fill").length}))`, &sections)
	if len(sections) == 0 {
		t.Fatalf("%s: no map sections", page)
	}
	for _, s := range sections {
		if !s.Drawn {
			t.Errorf("%s: map %s is not drawn", page, s.Name)
		}
		if n, ok := bars[s.Name]; ok && s.Bars != n {
			t.Errorf("%s: map %s has %d bars, want %d", page, s.Name, s.Bars, n)
		}
	}
}
