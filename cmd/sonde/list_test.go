package main

import (
	"bytes"
	"testing"

	"sonde/provider"
)

// Every provider that -l searches without being named has a lister.
func TestListersComplete(t *testing.T) {
	for _, d := range provider.All() {
		if (d.Listed || d.ListsBare) && listers[d.Expand] == nil {
			t.Errorf("%s: listed, but nothing lists %v", d.Name, d.Expand)
		}
	}
}

// Perf events list from the catalogue: names and aliases, sorted.
func TestListPerfEvents(t *testing.T) {
	var b bytes.Buffer
	if err := listPattern(&b, "software:c*", false); err != nil {
		t.Fatal(err)
	}
	want := "software:context-switches:\nsoftware:cpu:\nsoftware:cpu-clock:\nsoftware:cpu-migrations:\nsoftware:cs:\n"
	if b.String() != want {
		t.Errorf("-l software:c*:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	if err := listPattern(&b, "h:*", false); err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(b.Bytes(), []byte("\n")); n != 12 { // 10 events, 2 aliases
		t.Errorf("-l h:* printed %d lines:\n%s", n, b.String())
	}
	if err := listPattern(&b, "watchpoint:*", false); err == nil {
		t.Error("-l watchpoint:* lists nothing and says nothing")
	}
	if err := listPattern(&b, "nope:*", false); err == nil || err.Error() != `unknown probe type "nope"` {
		t.Errorf("-l nope:* = %v", err)
	}
}
