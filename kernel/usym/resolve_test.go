package usym

import (
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestResolveLibraries(t *testing.T) {
	libc, err := ResolveBinary("libc.so.6", 0)
	if err != nil {
		t.Skipf("no libc.so.6 on this system: %v", err)
	}
	if !strings.HasSuffix(libc, "/libc.so.6") {
		t.Errorf("libc.so.6 → %s", libc)
	}
	for _, name := range []string{"libc", "c", "libc.so"} {
		if got, err := ResolveBinary(name, 0); err != nil || got != libc {
			t.Errorf("ResolveBinary(%q) = %q, %v; want %q", name, got, err, libc)
		}
	}
	if got, err := ResolveBinary("libpthread", 0); err != nil || !strings.Contains(got, "libpthread.so") {
		t.Errorf("ResolveBinary(libpthread) = %q, %v", got, err)
	}
}

func TestResolvePrograms(t *testing.T) {
	if bash, err := exec.LookPath("bash"); err == nil {
		got, err := ResolveBinary("bash", 0)
		want, _ := filepath.Abs(bash)
		if err != nil || got != want {
			t.Errorf("ResolveBinary(bash) = %q, %v; want %q", got, err, want)
		}
	}
	fx := targets(t)
	t.Chdir(filepath.Dir(fx.PIE))
	if got, err := ResolveBinary("./prog-pie", 0); err != nil || got != fx.PIE {
		t.Errorf("relative path → %q, %v", got, err)
	}
	t.Setenv("PATH", filepath.Dir(fx.PIE))
	if got, err := ResolveBinary("prog-nopie", 0); err != nil || got != fx.NoPIE {
		t.Errorf("PATH lookup → %q, %v", got, err)
	}
}

func TestResolveErrors(t *testing.T) {
	notELF := filepath.Join(t.TempDir(), "script.sh")
	os.WriteFile(notELF, []byte("#!/bin/sh\n"), 0o755)
	for _, tc := range []struct {
		name, want string
		is         error
	}{
		{"sonde-no-such-prog", `uprobe target "sonde-no-such-prog": no such file in PATH`, ErrNotFound},
		{"libsonde-nothing", `uprobe target "libsonde-nothing": no such library in /etc/ld.so.cache or the library directories`, ErrNotFound},
		{"/no/such/file", `uprobe target "/no/such/file": no such file`, ErrNotFound},
		{notELF, `uprobe target "` + notELF + `": not an ELF file`, ErrNotELF},
		{"/", `uprobe target "/": is a directory`, ErrNotELF},
	} {
		_, err := ResolveBinary(tc.name, 0)
		if err == nil || err.Error() != tc.want || !errors.Is(err, tc.is) {
			t.Errorf("ResolveBinary(%q) error = %v; want %q", tc.name, err, tc.want)
		}
	}
}

// With a pid, names resolve through the process's own mappings first:
// the test library is in no linker cache, only in the child's maps.
func TestResolveInProcess(t *testing.T) {
	fx := targets(t)
	pid, _ := startChild(t, fx.WithLib)
	for name, want := range map[string]string{
		"libusymtest":    fx.Lib,
		"libusymtest.so": fx.Lib,
		"prog-lib":       fx.WithLib,
		fx.WithLib:       fx.WithLib,
	} {
		if got, err := ResolveBinary(name, pid); err != nil || got != want {
			t.Errorf("ResolveBinary(%q, child) = %q, %v; want %q", name, got, err, want)
		}
	}
	if _, err := ResolveBinary("libusymtest", 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("without a pid the test library should not resolve: %v", err)
	}
	if _, err := ResolveBinary("libc", 1<<30); !errors.Is(err, ErrNoProcess) || err.Error() != `uprobe target "libc": process 1073741824 is not running` {
		t.Errorf("missing pid: %v", err)
	}
	bins, err := ProcessBinaries(pid)
	if err != nil || !slices.Contains(bins, fx.WithLib) || !slices.Contains(bins, fx.Lib) {
		t.Errorf("ProcessBinaries = %q, %v", bins, err)
	}
}

func TestSystemLDCache(t *testing.T) {
	data, err := os.ReadFile(LDCachePath)
	if err != nil {
		t.Skipf("no %s: %v", LDCachePath, err)
	}
	ents, err := ParseLDCache(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.Soname == "libc.so.6" && e.native() {
			if _, err := os.Stat(e.Path); err != nil {
				t.Errorf("cached libc path %s: %v", e.Path, err)
			}
			return
		}
	}
	t.Errorf("no native libc.so.6 among %d cache entries", len(ents))
}

// ldcacheOld and ldcacheNew build caches in both formats by hand.
func ldcacheOld(ents []LDCacheEntry) []byte {
	var strs []byte
	b := append([]byte(oldCacheMagic+"\x00"), le32(uint32(len(ents)))...)
	for _, e := range ents {
		key := uint32(len(strs))
		strs = append(strs, e.Soname+"\x00"...)
		val := uint32(len(strs))
		strs = append(strs, e.Path+"\x00"...)
		b = append(b, le32(uint32(e.Flags))...)
		b = append(b, le32(key)...)
		b = append(b, le32(val)...)
	}
	return append(b, strs...)
}

func ldcacheNew(ents []LDCacheEntry) []byte {
	strBase := newHeaderSize + newEntrySize*len(ents)
	var strs []byte
	b := []byte(newCacheMagic)
	b = append(b, le32(uint32(len(ents)))...)
	b = append(b, le32(0)...) // len_strings, unused by the parser
	b = append(b, 2, 0, 0, 0) // little endian, padding
	b = append(b, make([]byte, 16)...)
	for _, e := range ents {
		key := uint32(strBase + len(strs))
		strs = append(strs, e.Soname+"\x00"...)
		val := uint32(strBase + len(strs))
		strs = append(strs, e.Path+"\x00"...)
		b = append(b, le32(uint32(e.Flags))...)
		b = append(b, le32(key)...)
		b = append(b, le32(val)...)
		b = append(b, make([]byte, 12)...) // osversion, hwcap
	}
	return append(b, strs...)
}

func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

func TestParseLDCacheFormats(t *testing.T) {
	ents := []LDCacheEntry{
		{"libfoo.so.1", "/opt/lib/libfoo.so.1", flagELFLibc6 | flagX8664Lib},
		{"libc.so.6", "/lib32/libc.so.6", flagELFLibc6 | 0x0800},
	}
	oldOnly := ldcacheOld(ents)
	combined := append(append([]byte{}, oldOnly...), make([]byte, 8-len(oldOnly)%8)...)
	combined = append(combined, ldcacheNew(ents)...)
	for name, data := range map[string][]byte{"old": oldOnly, "new": ldcacheNew(ents), "old+new": combined} {
		got, err := ParseLDCache(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(got) != 2 || got[0] != ents[0] || got[1] != ents[1] {
			t.Errorf("%s: got %+v", name, got)
		}
	}
	if _, err := ParseLDCache([]byte("garbage")); err == nil {
		t.Error("garbage parsed")
	}
	if _, err := ParseLDCache(ldcacheNew(ents)[:60]); err == nil {
		t.Error("truncated cache parsed")
	}
}

func TestLibraryMatches(t *testing.T) {
	for _, tc := range []struct {
		base, name string
		want       bool
	}{
		{"libc.so.6", "libc", true},
		{"libc.so.6", "c", true},
		{"libc.so.6", "libc.so", true},
		{"libc.so.6", "libc.so.6", true},
		{"libcrypt.so.1", "libc", false},
		{"libc.so.6", "libc.so.7", false},
		{"libssl.so.3", "ssl", true},
		{"libpthread.so.0", "libpthread", true},
	} {
		if got := libraryMatches(tc.base, tc.name); got != tc.want {
			t.Errorf("libraryMatches(%q, %q) = %v", tc.base, tc.name, got)
		}
	}
}
