package lang

import (
	"reflect"
	"strings"
	"testing"

	"sonde/lang/ast"
)

// The declarative form means the same as its brace form.
func TestDeclarativeEqualsBraces(t *testing.T) {
	pairs := []struct{ decl, braces string }{
		{`tp:syscalls:sys_enter_execve < count() >`,
			`tracepoint:syscalls:sys_enter_execve { @ = count(); }`},
		{`tp:syscalls:sys_enter_openat < count() by comm >`,
			`tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }`},
		{`t:syscalls:sys_exit_read /args.ret > 0/ < hist(args.ret) by comm; sum(args.ret) by pid >`,
			`tracepoint:syscalls:sys_exit_read /args.ret > 0/ { @hist[comm] = hist(args.ret); @sum[pid] = sum(args.ret); }`},
		{`BEGIN < count() by (comm, pid) >`, `BEGIN { @[comm, pid] = count(); }`},
		{`BEGIN < @lat = hist(1) by comm; @c = count() >`, `BEGIN { @lat[comm] = hist(1); @c = count(); }`},
		{`BEGIN { if (1) { count() } }`, `BEGIN { if (1) { @ = count(); } }`},
		{`BEGIN < max(1) by ((1, 2),) >`, `BEGIN { @[(1, 2)] = max(1); }`},
	}
	for _, p := range pairs {
		a, err := Parse("a.sd", []byte(p.decl))
		if err != nil {
			t.Errorf("%s: %v", p.decl, err)
			continue
		}
		b, err := Parse("b.sd", []byte(p.braces))
		if err != nil {
			t.Errorf("%s: %v", p.braces, err)
			continue
		}
		normalise(a)
		normalise(b)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s\n%s\nand\n%s\n%s\ndiffer", p.decl, ast.Dump(a), p.braces, ast.Dump(b))
		}
	}
}

func TestDeclarativeSpans(t *testing.T) {
	p, err := Parse("x.sd", []byte(`BEGIN < hist(5) by comm >`))
	if err != nil {
		t.Fatal(err)
	}
	st := p.Probes[0].Body.Stmts[0].(*ast.AssignStmt)
	if got := st.Span(); got.Start.Col != 9 || got.End.Col != 24 {
		t.Errorf("statement span %v-%v, want columns 9-24 (the call through the key)", got.Start, got.End)
	}
	if got := st.Value.Span(); got.Start.Col != 9 || got.End.Col != 16 {
		t.Errorf("call span %v-%v, want columns 9-16", got.Start, got.End)
	}
}

func TestAggregationNaming(t *testing.T) {
	for _, tc := range []struct{ src, want, err string }{
		{`BEGIN < count() >`, `(= @ (call count))`, ""},
		{`BEGIN < count() > END < sum(1) >`, `(= @count (call count))`, ""},
		{`BEGIN < count() > END < count() >`, "", "name them: `@lat = count(...)`"},
		{`BEGIN < @a = count(); @b = count() >`, `(= @a (call count))`, ""},
		{`BEGIN { @x[1] = count() by comm; }`, "", "already has keys"},
		{`BEGIN { printf("x") by comm; }`, "", "`by` groups an aggregation"},
		{`BEGIN { @x = 1 by comm; }`, "", "`by` groups an aggregation"},
	} {
		p, err := Parse("n.sd", []byte(tc.src))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want %q", tc.src, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.src, err)
			continue
		}
		if got := ast.Dump(p.Probes[0].Body.Stmts[0]); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.src, got, tc.want)
		}
	}
}
