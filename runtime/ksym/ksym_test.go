package ksym

import (
	"os"
	"testing"
)

const sample = `ffffffff81000000 T _stext
ffffffff81000000 t srso_alias_untrain_ret
ffffffff81000000 D _text
ffffffff81001000 T do_one_initcall
ffffffff81002000 t helper
0000000000000000 A fixed_percpu_data
ffffffffc0000000 t ext4_fill_super	[ext4]
ffffffff81001800 W weak_fn
`

func TestLookup(t *testing.T) {
	tab := Parse(sample)
	for _, c := range []struct {
		addr uint64
		name string
		off  uint64
		ok   bool
	}{
		{0xffffffff80000000, "", 0, false},
		{0xffffffff81000000, "_stext", 0, true},
		{0xffffffff81000010, "_stext", 0x10, true},
		{0xffffffff81001004, "do_one_initcall", 4, true},
		{0xffffffff81001800, "weak_fn", 0, true},
		{0xffffffff81002fff, "helper", 0xfff, true},
		{0xffffffffc0000020, "ext4_fill_super", 0x20, true},
	} {
		name, off, ok := tab.Lookup(c.addr)
		if name != c.name || off != c.off || ok != c.ok {
			t.Errorf("Lookup(%#x) = %q+%#x %v, want %q+%#x %v", c.addr, name, off, ok, c.name, c.off, c.ok)
		}
	}
	if a, ok := tab.Addr("helper"); !ok || a != 0xffffffff81002000 {
		t.Errorf("Addr(helper) = %#x %v", a, ok)
	}
	if _, ok := tab.Addr("fixed_percpu_data"); ok {
		t.Errorf("zero-address symbols should be dropped")
	}
	if tab.Len() != 7 {
		t.Errorf("Len = %d", tab.Len())
	}
}

func TestDefault(t *testing.T) {
	tab, err := Default()
	if err != nil {
		t.Skipf("no kallsyms: %v", err)
	}
	if tab.Len() == 0 {
		t.Skip("kallsyms addresses hidden (kptr_restrict)")
	}
	a, ok := Addr("do_sys_openat2")
	if !ok {
		a, ok = Addr("_stext")
	}
	if !ok {
		t.Fatal("no well-known symbol")
	}
	name, off, ok := Lookup(a)
	if !ok || off != 0 {
		t.Fatalf("Lookup(Addr) = %q+%d %v", name, off, ok)
	}
	if back, _ := Addr(name); back != a {
		t.Errorf("round trip %#x -> %s -> %#x", a, name, back)
	}
}

func readKallsyms(b *testing.B) string {
	data, err := os.ReadFile(Path)
	if err != nil {
		b.Skip(err)
	}
	return string(data)
}

func BenchmarkParse(b *testing.B) {
	data := readKallsyms(b)
	for b.Loop() {
		Parse(data)
	}
}

func BenchmarkLookup(b *testing.B) {
	tab := Parse(readKallsyms(b))
	if tab.Len() == 0 {
		b.Skip("no addresses")
	}
	addrs := make([]uint64, 1024)
	for i := range addrs {
		addrs[i] = tab.syms[i*tab.Len()/len(addrs)].addr + 7
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		tab.Lookup(addrs[i%len(addrs)])
	}
}
