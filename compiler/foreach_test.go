package compiler_test

import (
	"strings"
	"testing"

	"github.com/cilium/ebpf/btf"

	"sonde/compiler"
	"sonde/lang"
)

func TestForMapErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{`BEGIN { @h[1] = hist(3); for ($kv : @h) { } }`, "cannot iterate over hist map @h"},
		{`BEGIN { @s[1] = stats(3); for ($kv : @s) { } }`, "cannot iterate over stats map @s"},
		{`BEGIN { @x = 1; for ($kv : @x) { } }`, "which has no keys"},
		{`BEGIN { for ($kv : @nope) { } }`, "unknown map @nope"},
		{`BEGIN { @m[1] = 1; for ($kv : @m) { exit(); } }`, "exit() is not allowed inside a loop"},
		{`BEGIN { @m[1] = 1; for ($kv : @m) { $kv.2; } }`, "test.sd:1:"},
		{`BEGIN { @h = hist(1); @l = len(@h); }`, "len() of hist map @h"},
		{`BEGIN { @l = len(1); }`, "len() takes a map"},
		{`BEGIN { @l = len(@nope); }`, "unknown map @nope"},
	} {
		err := compile(t, c.src)
		if err == nil || !strings.Contains(err.Error()+hints(err), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.src, err, c.want)
		}
	}
}

// A map loop becomes a static callback function after the probe, loaded
// with a pseudo-func ld_imm64 and called through bpf_for_each_map_elem;
// every function carries BTF func info and starts with line info.
func TestForMapCallbacks(t *testing.T) {
	for _, c := range []struct {
		src   string
		funcs []string
	}{
		{`BEGIN { @m[1] = 2; $t = 0; for ($kv : @m) { $t += $kv.1; } printf("%d\n", $t); }`, []string{"probe0", "probe0_for_"}},
		{`BEGIN { @m[1] = 2; @l = len(@m); @k = len(@m); }`, []string{"probe0", "probe0_len"}},
		{`BEGIN { @a[1] = count(); @b[1] = 1; for ($x : @a) { for ($y : @b) { @n = len(@b); } } }`, []string{"probe0", "probe0_len", "probe0_for_", "probe0_for_"}},
		{`BEGIN { @m[1] = 2; }`, nil},
	} {
		prog, err := lang.Parse("test.sd", []byte(c.src))
		if err != nil {
			t.Fatal(err)
		}
		spec, err := compiler.Compile(prog, compiler.Options{Facts: fakeFacts{}, Env: func(string) string { return "" }})
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		insns := spec.Programs[0].Spec.Instructions
		var funcs []string
		refs := map[string]bool{}
		for _, ins := range insns {
			if fn := btf.FuncMetadata(&ins); fn != nil {
				funcs = append(funcs, fn.Name)
				if ins.Source() == nil {
					t.Errorf("%s: function %s has no line info", c.src, fn.Name)
				}
				want := btf.StaticFunc
				if len(funcs) == 1 {
					want = btf.GlobalFunc
				}
				if fn.Linkage != want {
					t.Errorf("%s: function %s has linkage %v", c.src, fn.Name, fn.Linkage)
				}
			}
			if ins.IsLoadOfFunctionPointer() {
				refs[ins.Reference()] = true
			}
		}
		if len(funcs) != len(c.funcs) {
			t.Errorf("%s: functions %v, want %v", c.src, funcs, c.funcs)
			continue
		}
		for i, f := range funcs {
			if !strings.HasPrefix(f, c.funcs[i]) {
				t.Errorf("%s: functions %v, want %v", c.src, funcs, c.funcs)
			}
			if i > 0 && !refs[f] {
				t.Errorf("%s: callback %s is never referenced", c.src, f)
			}
		}
	}
}

// A loop body's frame adds to the probe's on the verifier's count.
func TestForMapStackDepth(t *testing.T) {
	src := `BEGIN { @m[1] = 1; $a = (1, 2, 3, 4, 5, 6, 7, 8); $b = (1, 2, 3, 4, 5, 6, 7, 8); $c = (1, 2, 3, 4, 5, 6, 7, 8);
	$d = (1, 2, 3, 4, 5, 6, 7, 8); $e = (1, 2, 3, 4, 5, 6, 7, 8);
	for ($kv : @m) { printf("%d %d %d %d %d\n", $a.0, $b.0, $c.0, $d.0, $e.0); } }`
	err := compile(t, src)
	if err == nil || !strings.Contains(err.Error(), "map loops need") {
		t.Fatalf("got %v, want a stack size error", err)
	}
}
