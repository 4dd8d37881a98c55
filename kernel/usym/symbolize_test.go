package usym

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

//go:noinline
func symbolizeTarget(x int) int { return x*7 + 1 }

// The test's own process: a Go function of the test binary.
func TestSymbolizeSelf(t *testing.T) {
	pc := uint64(reflect.ValueOf(symbolizeTarget).Pointer())
	var s Symbolizer
	name, off, mod, ok := s.Symbolize(os.Getpid(), pc+2)
	exe, _ := os.Executable()
	if !ok || name != "sonde/kernel/usym.symbolizeTarget" || off != 2 || mod != exe {
		t.Errorf("Symbolize(self, %#x) = %q+%d in %q, %v", pc+2, name, off, mod, ok)
	}
}

// A running C child, PIE and linked to a shared library: the addresses
// it prints must come back as the functions it printed.
func TestSymbolizeChild(t *testing.T) {
	fx := targets(t)
	pid, addrs := startChild(t, fx.WithLib)
	if len(addrs) != 2 {
		t.Fatalf("child printed %v", addrs)
	}
	s := NewSymbolizer()
	for i, want := range []struct {
		name, module string
	}{{"spin_here", fx.WithLib}, {"lib_add", fx.Lib}} {
		for _, delta := range []uint64{0, 3} {
			name, off, mod, ok := s.Symbolize(pid, addrs[i]+delta)
			if !ok || name != want.name || off != delta || mod != want.module {
				t.Errorf("Symbolize(%#x) = %q+%d in %q, %v; want %s+%d in %s", addrs[i]+delta, name, off, mod, ok, want.name, delta, want.module)
			}
		}
	}
	if got := s.Frame(pid, addrs[0]+3, "bpftrace"); got != "spin_here+3" {
		t.Errorf("bpftrace frame %q", got)
	}
	if got, want := s.Frame(pid, addrs[1], "perf"), strings.TrimPrefix(hexAddr(addrs[1]), "0x")+" lib_add+0 ("+fx.Lib+")"; got != want {
		t.Errorf("perf frame %q; want %q", got, want)
	}
	if got := s.Frame(pid, 0x10, "bpftrace"); got != "0x10" {
		t.Errorf("unknown frame %q", got)
	}
	if _, _, _, ok := s.Symbolize(pid, 0x10); ok {
		t.Error("address 0x10 symbolized")
	}
}

// A process that exited before it was ever seen symbolizes to nothing;
// one seen while alive keeps its cached mappings.
func TestSymbolizeGone(t *testing.T) {
	fx := targets(t)
	s := NewSymbolizer()
	pid, addrs := startChild(t, fx.PIE)
	if _, _, _, ok := s.Symbolize(pid, addrs[0]); !ok {
		t.Fatal("live child not symbolized")
	}
	p, _ := os.FindProcess(pid)
	p.Kill()
	p.Wait()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join("/proc", itoa(pid))); err != nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if name, _, _, ok := s.Symbolize(pid, addrs[0]); !ok || name != "spin_here" {
		t.Errorf("cached mappings of an exited process lost: %q %v", name, ok)
	}
	if _, _, _, ok := NewSymbolizer().Symbolize(pid, addrs[0]); ok {
		t.Error("exited process symbolized without a cache")
	}
}

func TestParseMaps(t *testing.T) {
	maps, err := parseMaps([]byte(
		"55d4e8a00000-55d4e8a22000 r-xp 00002000 fe:00 247278                     /usr/bin/my prog\n" +
			"7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \n" +
			"7f0000002000-7f0000003000 r-xp 00001000 fe:00 12 /tmp/x.so (deleted)\n" +
			"7fffab739000-7fffab75a000 rw-p 00000000 00:00 0                          [stack]\n"))
	if err != nil || len(maps) != 4 {
		t.Fatalf("parseMaps = %+v, %v", maps, err)
	}
	want := Mapping{Start: 0x55d4e8a00000, End: 0x55d4e8a22000, Offset: 0x2000, Exec: true, Inode: 247278, Path: "/usr/bin/my prog"}
	if maps[0] != want {
		t.Errorf("maps[0] = %+v", maps[0])
	}
	if m := maps[2]; m.Path != "/tmp/x.so" || !m.Deleted || !m.fileBacked() {
		t.Errorf("deleted mapping = %+v", m)
	}
	if maps[1].fileBacked() || maps[3].fileBacked() {
		t.Error("anonymous mapping counted as a file")
	}
}

func TestListUprobes(t *testing.T) {
	fx := targets(t)
	var buf bytes.Buffer
	if err := ListUprobes(&buf, fx.PIE, "usym_*a"); err != nil {
		t.Fatal(err)
	}
	want := "uprobe:" + fx.PIE + ":usym_alpha\n" +
		"uprobe:" + fx.PIE + ":usym_beta\n" +
		"uprobe:" + fx.PIE + ":usym_gamma\n"
	if buf.String() != want {
		t.Errorf("ListUprobes:\n%s\nwant:\n%s", buf.String(), want)
	}
	if err := ListUprobes(&buf, "/no/such", "*"); err == nil {
		t.Error("listing a missing file succeeded")
	}
}
