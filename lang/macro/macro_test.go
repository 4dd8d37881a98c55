package macro_test

import (
	"strings"
	"testing"

	"sonde/lang"
	"sonde/lang/ast"
	"sonde/lang/macro"
)

func TestExpand(t *testing.T) {
	for _, c := range []struct{ name, src, want string }{
		{"expression parameter",
			`macro add_one(x) { x + 1 } BEGIN { @ = add_one(2 * 3); }`,
			`@ = { 2 * 3 + 1 }`},
		{"variable parameter is the caller's, locals are renamed",
			`macro bump($v, n) { $v = $v + n; $t = 1; } BEGIN { bump($a, 5); }`,
			`{ $a = $a + 5; $bump_1_t = 1; };`},
		{"map parameter keeps its keys bound",
			`macro store(@m, k) { @m[k] = 1; } BEGIN { store(@hits, comm); }`,
			`@hits[comm] = 1;`},
		{"nested macros",
			`macro one() { 1 } macro two() { one + one } BEGIN { @ = two(); }`,
			`@ = { { 1 } + { 1 } }`},
		{"argument precedence survives substitution",
			`macro dbl(x) { x * 2 } BEGIN { @ = dbl(1 + 2); }`,
			`@ = { (1 + 2) * 2 }`},
		{"predicate",
			`macro big(x) { x > 100 } tracepoint:a:b /big(pid)/ { }`,
			`/{ pid > 100 }/`},
	} {
		t.Run(c.name, func(t *testing.T) {
			prog, err := lang.Parse("t.sd", []byte(c.src))
			if err != nil {
				t.Fatal(err)
			}
			before := ast.Format(prog)
			expanded, err := macro.Expand(prog)
			if err != nil {
				t.Fatal(err)
			}
			if after := ast.Format(prog); after != before {
				t.Errorf("Expand changed its input:\n%s\nwas:\n%s", after, before)
			}
			got := ast.Format(expanded)
			if !strings.Contains(squash(got), squash(c.want)) {
				t.Errorf("expanded:\n%s\nwant it to contain %q", got, c.want)
			}
		})
	}
}

func TestExpandErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{`macro r(x) { r(x) } BEGIN { @ = r(1); }`, "expands itself without end"},
		{`macro f(a, b) { a } BEGIN { @ = f(1); }`, "takes 2 arguments, not 1"},
		{`macro f($v) { $v = 1; } BEGIN { f(3); }`, "parameter $v needs a variable"},
		{`macro f(@m) { @m = 1; } BEGIN { f(@x[1]); }`, "parameter @m needs a map"},
		{`macro f() { 1 } macro f() { 2 } BEGIN { @ = f(); }`, "defined twice"},
		{`macro a() { 1 } macro b() { a + a } macro c() { b + b } macro d() { c + c } macro e() { d + d } macro f() { e + e }
		  macro g() { f + f } macro h() { g + g } macro i() { h + h } macro j() { i + i } macro k() { j + j } macro l() { k + k }
		  macro m() { l + l } macro n() { m + m } macro o() { n + n } BEGIN { @ = o; }`, "more than 10000 copies"},
	} {
		prog, err := lang.Parse("t.sd", []byte(c.src))
		if err != nil {
			t.Fatal(err)
		}
		_, err = macro.Expand(prog)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.src, err, c.want)
		}
	}
}

// squash drops whitespace so the test does not depend on layout.
func squash(s string) string { return strings.Join(strings.Fields(s), "") }
