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

// Timers list their units; a script's timers and perf events list without
// their rate or count; several patterns list in turn.
func TestListRatesAndScripts(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-l", "interval:*"}, "interval:hz:\ninterval:us:\ninterval:ms:\ninterval:s:\n"},
		{[]string{"-l", "profile:?s"}, "profile:us:\nprofile:ms:\n"},
		{[]string{"-l", "i:*,software:cpu"}, "interval:hz:\ninterval:us:\ninterval:ms:\ninterval:s:\nsoftware:cpu:\n"},
		{[]string{"-l", "-e", "interval:ms:100 { } software:cpu:1000 { } profile:hz:99 { } BEGIN { }"},
			"interval:ms:\nsoftware:cpu:\nprofile:hz:\nbegin\n"},
	} {
		stdout, stderr, code := sonde(t, c.args...)
		if code != 0 || stdout != c.want {
			t.Errorf("%q: exit %d, stdout:\n%s\nwant:\n%s\nstderr: %s", c.args, code, stdout, c.want, stderr)
		}
	}
}

// A -l argument named like a script that is not there is a pattern, with
// a warning.
func TestListMissingScriptIsAPattern(t *testing.T) {
	_, stderr, code := sonde(t, "-l", "no_such_script.bt")
	want := "WARNING: It appears that 'no_such_script.bt' is a filename but the file does not exist. Treating 'no_such_script.bt' as a search pattern.\n"
	if code != 0 || stderr != want {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}
