package compiler_test

import (
	"strings"
	"testing"

	"sonde/compiler"
	"sonde/lang"
	"sonde/plan"
)

func compileMaps(t *testing.T, src string, opts compiler.Options) map[string]*plan.MapInfo {
	t.Helper()
	prog, err := lang.Parse("test.sd", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	opts.Facts, opts.Env = fakeFacts{}, func(string) string { return "" }
	spec, err := compiler.Compile(prog, opts)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*plan.MapInfo{}
	for _, m := range spec.Plan.Maps {
		out[m.Name] = m
	}
	return out
}

// Key parts are named after the builtin or args field that fills them,
// so metrics can label them; a map the script shrinks says so.
func TestKeyNamesAndShrinks(t *testing.T) {
	for _, tc := range []struct {
		src     string
		names   string // "|"-joined KeyNames of @m
		shrinks bool
	}{
		{`t:syscalls:sys_enter_openat { @m[comm, pid] = count(); }`, "comm|pid", false},
		{`t:syscalls:sys_enter_openat < @m = count() by (comm, pid) >`, "comm|pid", false},
		{`t:syscalls:sys_enter_openat { @m[(comm, tid)] = count(); }`, "comm|tid", false},
		{`t:syscalls:sys_enter_openat { @m[str(args.filename)] = count(); }`, "filename", false},
		{`t:syscalls:sys_enter_openat { @m[args->ret + 1, cpu] = sum(1); }`, "|cpu", false},
		{`t:syscalls:sys_enter_openat { @m[kstack(3)] = count(); }`, "kstack", false},
		{`t:syscalls:sys_enter_openat { @m[pid] = count(); } t:syscalls:sys_exit_openat { @m[tid] = count(); }`, "", false},
		{`t:syscalls:sys_enter_openat { @m[pid] = count(); } interval:s:1 { clear(@m); }`, "pid", true},
		{`t:syscalls:sys_enter_openat { @m[pid] = count(); delete(@m[pid]); }`, "pid", true},
		{`t:syscalls:sys_enter_openat { @m = count(); } interval:s:1 { zero(@m); }`, "", true},
		{`t:syscalls:sys_enter_openat { @m = count(); }`, "", false},
	} {
		m := compileMaps(t, tc.src, compiler.Options{})["@m"]
		if got := strings.Join(m.KeyNames, "|"); got != tc.names || m.Shrinks != tc.shrinks {
			t.Errorf("%s:\n KeyNames %q Shrinks %v, want %q %v", tc.src, got, m.Shrinks, tc.names, tc.shrinks)
		}
	}
}

// HistSums widens hist/lhist buckets to {count, sum} and nothing else.
func TestHistSums(t *testing.T) {
	src := `t:syscalls:sys_enter_openat { @h = hist(args.ret); @l[comm] = lhist(args.ret, 0, 10, 1); @c = count(); }`
	plain := compileMaps(t, src, compiler.Options{})
	sums := compileMaps(t, src, compiler.Options{HistSums: true})
	for _, name := range []string{"@h", "@l"} {
		if plain[name].HistSums || !sums[name].HistSums {
			t.Errorf("%s: HistSums %v without the option, %v with it", name, plain[name].HistSums, sums[name].HistSums)
		}
	}
	if sums["@c"].HistSums {
		t.Error("count() has no buckets to sum")
	}
}
