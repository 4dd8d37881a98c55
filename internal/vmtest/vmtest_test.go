package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// readNewc lists an uncompressed newc archive: name -> mode, and the data
// of regular files.
func readNewc(t *testing.T, b []byte) (map[string]uint64, map[string]string) {
	t.Helper()
	modes, data := map[string]uint64{}, map[string]string{}
	align := func(n int) int { return (n + 3) &^ 3 }
	off := 0
	for {
		if off+110 > len(b) || string(b[off:off+6]) != "070701" {
			t.Fatalf("bad header at %d", off)
		}
		field := func(i int) uint64 {
			v, err := strconv.ParseUint(string(b[off+6+8*i:off+14+8*i]), 16, 32)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		mode, size, rmaj, rmin, nameLen := field(1), int(field(6)), field(9), field(10), int(field(11))
		name := string(b[off+110 : off+110+nameLen-1])
		off = align(off + 110 + nameLen)
		if name == "TRAILER!!!" {
			return modes, data
		}
		modes[name] = mode
		if mode&0o170000 == modeChr {
			data[name] = strconv.FormatUint(rmaj, 10) + ":" + strconv.FormatUint(rmin, 10)
		} else {
			data[name] = string(b[off : off+size])
		}
		off = align(off + size)
	}
}

func TestInitramfs(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string, perm os.FileMode) string {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(s), perm); err != nil {
			t.Fatal(err)
		}
		return p
	}
	initBin := write("init", "#init", 0o755)
	payload := write("payload", "12345", 0o755)
	write("td/a/b.txt", "bb", 0o644)
	out := filepath.Join(dir, "out.cpio")
	if err := writeInitramfs(out, initBin, map[string]string{"payload": payload, "pkg/testdata": filepath.Join(dir, "td")}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(out)
	modes, data := readNewc(t, b)
	for name, want := range map[string]struct {
		mode uint64
		data string
	}{
		"init":                 {modeFile | 0o755, "#init"},
		"payload":              {modeFile | 0o755, "12345"},
		"dev/console":          {modeChr | 0o600, "5:1"},
		"pkg/testdata/a/b.txt": {modeFile | 0o644, "bb"},
		"pkg/testdata/a":       {modeDir | 0o755, ""},
		"tmp":                  {modeDir | 0o755, ""},
	} {
		if modes[name] != want.mode || data[name] != want.data {
			t.Errorf("%s: mode %o data %q, want %o %q", name, modes[name], data[name], want.mode, want.data)
		}
	}
	if strings.Count(string(b), "pkg\x00") != 1 {
		t.Error("directory pkg archived more than once")
	}
}

const console = `[    0.000000] Linux version 6.1.0
VMTEST INIT kernel=6.1.0-56-cloud-amd64 uptime=2.1
=== RUN   TestKprobe
=== RUN   TestKprobe/kprobe
=== RUN   TestKprobe/kretprobe
--- PASS: TestKprobe (0.38s)
    --- PASS: TestKprobe/kprobe (0.20s)
    --- PASS: TestKprobe/kretprobe (0.16s)
=== RUN   TestKprobeMulti
    kernel_test.go:61: kprobe_multi: needs CONFIG_FPROBE
--- SKIP: TestKprobeMulti (0.00s)
=== RUN   TestFentry
=== RUN   TestFentry/fentry
    kernel_test.go:90: count = 3, want 20
=== RUN   TestFentry/fexit
--- FAIL: TestFentry (2.10s)
    --- FAIL: TestFentry/fentry (1.41s)
    --- PASS: TestFentry/fexit (0.68s)
FAIL
VMTEST EXIT code=1 payload-time=3.9s uptime=6.0
[    6.1] reboot: Power down
`

func parse(s string) *boot {
	b := &boot{exitCode: -1}
	p := &parser{b: b}
	for _, l := range strings.Split(s, "\n") {
		p.line(strings.TrimRight(l, "\r"))
	}
	return b
}

func TestParseAndJudge(t *testing.T) {
	b := parse(console)
	if b.release != "6.1.0-56-cloud-amd64" || !b.haveExit || b.exitCode != 1 || b.finalVerdict != "FAIL" {
		t.Fatalf("boot = %+v", b)
	}
	var got []string
	for _, r := range b.results {
		got = append(got, r.status+" "+r.name+" "+strings.Join(r.log, "|"))
	}
	want := []string{
		"PASS TestKprobe ", "PASS TestKprobe/kprobe ", "PASS TestKprobe/kretprobe ",
		"SKIP TestKprobeMulti kernel_test.go:61: kprobe_multi: needs CONFIG_FPROBE",
		"FAIL TestFentry ", "FAIL TestFentry/fentry kernel_test.go:90: count = 3, want 20", "PASS TestFentry/fexit ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("results:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	cfg61 := map[string]string{"CONFIG_KPROBES": "y"}
	cfg612 := map[string]string{"CONFIG_KPROBES": "y", "CONFIG_FPROBE": "y"}
	ok := parse(strings.NewReplacer("--- FAIL", "--- PASS", "code=1", "code=0").Replace(console))
	features := []featureTest{{"TestKprobeMulti", []string{"CONFIG_KPROBES", "CONFIG_FPROBE"}}}
	for _, tc := range []struct {
		name  string
		b     *boot
		cfg   map[string]string
		fails int
	}{
		{"fail", b, cfg61, 2},                                 // TestFentry and TestFentry/fentry
		{"expected skip", ok, cfg61, 0},                       // 6.1 lacks CONFIG_FPROBE
		{"unexpected skip", ok, cfg612, 1},                    // 6.12 has it
		{"no marker", parse("[ 1.0] Kernel panic"), cfg61, 2}, // missing test + marker
	} {
		lines, fails := judge(tc.b, tc.cfg, true, features, true)
		if fails != tc.fails {
			t.Errorf("%s: %d failures, want %d:\n%s", tc.name, fails, tc.fails, strings.Join(lines, "\n"))
		}
	}
}
