package usym

import (
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Lookup and FileOffset must agree with readelf: the symbol's value and
// size, and the offset its section header gives for that address.
func TestLookupMatchesReadelf(t *testing.T) {
	fx := targets(t)
	for _, path := range []string{fx.PIE, fx.NoPIE, fx.Lib} {
		f, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		secs := readelfSections(t, path)
		name := "usym_alpha"
		if path == fx.Lib {
			name = "lib_add"
		}
		sym, err := f.Lookup(name)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		val, size := readelfSymbol(t, path, name)
		if sym.Addr != val || sym.Size != size {
			t.Errorf("%s: %s = %#x size %d; readelf says %#x size %d", path, name, sym.Addr, sym.Size, val, size)
		}
		text := secs[".text"]
		off, err := f.FileOffset(sym.Addr)
		if want := sym.Addr - text[0] + text[1]; err != nil || off != want {
			t.Errorf("%s: FileOffset(%#x) = %#x, %v; want %#x", path, sym.Addr, off, err, want)
		}
	}
}

func TestFileTypes(t *testing.T) {
	fx := targets(t)
	for path, want := range map[string]elf.Type{fx.PIE: elf.ET_DYN, fx.NoPIE: elf.ET_EXEC, fx.Lib: elf.ET_DYN} {
		f, err := Open(path)
		if err != nil || f.Type != want {
			t.Errorf("%s: type %v, %v; want %v", path, f.Type, err, want)
		}
	}
	// Static functions come from .symtab, exported ones from both tables.
	lib, _ := Open(fx.Lib)
	for _, name := range []string{"lib_add", "lib_mul", "lib_hidden"} {
		if _, err := lib.Lookup(name); err != nil {
			t.Error(err)
		}
	}
	if n := len(lib.Match("lib_add")); n != 1 {
		t.Errorf("lib_add listed %d times; want deduplicated", n)
	}
}

func TestResolveSpec(t *testing.T) {
	fx := targets(t)
	f, err := Open(fx.NoPIE)
	if err != nil {
		t.Fatal(err)
	}
	alpha, _ := f.Lookup("usym_alpha")
	base, _ := f.FileOffset(alpha.Addr)
	for _, tc := range []struct {
		spec string
		want Location
		err  string
	}{
		{spec: "usym_alpha", want: Location{"usym_alpha", 0, alpha.Addr, base}},
		{spec: "usym_alpha+4", want: Location{"usym_alpha", 4, alpha.Addr + 4, base + 4}},
		{spec: "usym_alpha+0x4", want: Location{"usym_alpha", 4, alpha.Addr + 4, base + 4}},
		{spec: fmt.Sprintf("%#x", alpha.Addr+1), want: Location{"usym_alpha", 1, alpha.Addr + 1, base + 1}},
		{spec: fmt.Sprintf("usym_alpha+%d", alpha.Size), err: fmt.Sprintf("offset %d is past the end of usym_alpha", alpha.Size)},
		{spec: "usym_alpha+x", err: `bad offset "x"`},
		{spec: "0x1", err: "address is not inside a function"},
		{spec: "usym_alpah", err: `no function "usym_alpah"`},
	} {
		got, err := f.Resolve(tc.spec)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("Resolve(%q) error = %v; want %q", tc.spec, err, tc.err)
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("Resolve(%q) = %+v, %v; want %+v", tc.spec, got, err, tc.want)
		}
	}
}

func TestDidYouMean(t *testing.T) {
	fx := targets(t)
	f, _ := Open(fx.PIE)
	for name, hint := range map[string]string{
		"usym_alpah":  "usym_alpha",
		"usym_gama":   "usym_gamma",
		"spin_her":    "spin_here",
		"mian":        "main",
		"zzzzzzzzzzz": "",
	} {
		_, err := f.Lookup(name)
		var se *SymbolError
		if !errors.As(err, &se) || !errors.Is(err, ErrNoSymbol) {
			t.Fatalf("Lookup(%q) error %v is not a SymbolError", name, err)
		}
		if se.Hint != hint {
			t.Errorf("Lookup(%q) hint %q; want %q", name, se.Hint, hint)
		}
	}
}

func TestStripped(t *testing.T) {
	fx := targets(t)
	f, err := Open(fx.Stripped)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Stripped() {
		t.Error("stripped copy has a .symtab")
	}
	if _, err := f.Lookup("usym_alpha"); !errors.Is(err, ErrStripped) || !strings.Contains(err.Error(), "stripped binary") {
		t.Errorf("Lookup in stripped binary: %v", err)
	}
}

func TestMatch(t *testing.T) {
	fx := targets(t)
	f, _ := Open(fx.PIE)
	names := func(syms []Symbol) string {
		var s []string
		for _, sym := range syms {
			s = append(s, sym.Name)
		}
		return strings.Join(s, " ")
	}
	for pattern, want := range map[string]string{
		"usym_?eta":      "usym_beta",
		"usym_*a":        "usym_alpha usym_beta usym_gamma",
		"usym_alpha":     "usym_alpha",
		"usym_many_09?":  "usym_many_090 usym_many_091 usym_many_092 usym_many_093 usym_many_094 usym_many_095 usym_many_096 usym_many_097 usym_many_098 usym_many_099",
		"*spin*":         "spin_here",
		"nothing*at*all": "",
	} {
		if got := names(f.Match(pattern)); got != want {
			t.Errorf("Match(%q) = %q; want %q", pattern, got, want)
		}
	}
	if n := len(f.Match("usym_many_*")); n != 100 {
		t.Errorf("usym_many_* matched %d; want 100", n)
	}
}

func TestWildcard(t *testing.T) {
	for _, tc := range []struct {
		p, s string
		want bool
	}{
		{"*", "", true}, {"*", "abc", true}, {"a*", "abc", true}, {"*c", "abc", true},
		{"a*b*c", "aXbYc", true}, {"a*b*c", "aXbY", false}, {"a?c", "abc", true},
		{"a?c", "ac", false}, {"*a*a*a", "aaaa", true}, {"abc", "abd", false},
		{"ns::*", "ns::f(int)", true}, {"", "", true}, {"", "a", false},
	} {
		if got := Wildcard(tc.p, tc.s); got != tc.want {
			t.Errorf("Wildcard(%q, %q) = %v", tc.p, tc.s, got)
		}
	}
}

// Go binaries keep their symbols in .symtab: the test binary itself.
func TestGoBinary(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	f, err := Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.Lookup("sonde/kernel/usym.TestGoBinary")
	if err != nil || s.Size == 0 {
		t.Errorf("Lookup = %+v, %v", s, err)
	}
	if n := len(f.Match("sonde/kernel/usym.Test*")); n < 10 {
		t.Errorf("only %d test functions matched", n)
	}
	f2, _ := Open(exe)
	if f2 != f {
		t.Error("second Open of an unchanged file did not hit the cache")
	}
}

func TestAddr(t *testing.T) {
	fx := targets(t)
	want, _ := readelfSymbol(t, fx.NoPIE, "usym_beta")
	if got, err := Addr(fx.NoPIE, "usym_beta"); err != nil || got != want {
		t.Errorf("Addr(usym_beta) = %#x, %v; want %#x", got, err, want)
	}
	if fx.USDT != "" {
		want, _ := readelfSymbol(t, fx.USDT, "counter")
		if got, err := Addr(fx.USDT, "counter"); err != nil || got != want {
			t.Errorf("Addr(counter) = %#x, %v; want %#x", got, err, want)
		}
	}
}

// A stripped binary whose symbols were split into a debug file, found
// through .gnu_debuglink, as distributions ship them.
func TestDebugLink(t *testing.T) {
	fx := targets(t)
	if _, err := exec.LookPath("objcopy"); err != nil {
		t.Skip("objcopy not installed")
	}
	dir := t.TempDir()
	bin, dbg := filepath.Join(dir, "prog"), filepath.Join(dir, "prog.debug")
	for _, cmd := range [][]string{
		{"objcopy", "--only-keep-debug", fx.PIE, dbg},
		{"objcopy", "--strip-all", "--add-gnu-debuglink=" + dbg, fx.PIE, bin},
	} {
		if out, err := exec.Command(cmd[0], cmd[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", cmd, err, out)
		}
	}
	f, err := Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Open(fx.PIE)
	got, err := f.Lookup("usym_gamma")
	if w, _ := want.Lookup("usym_gamma"); err != nil || got != w {
		t.Errorf("Lookup through debug link = %+v, %v; want %+v", got, err, w)
	}
	if f.Stripped() {
		t.Error("debug symbols not counted as a symbol table")
	}
}
