package compiler_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"sonde/compiler"
	"sonde/lang"
	"sonde/lang/ast"
	"sonde/lang/diag"
	"sonde/types"
)

// fakeFacts answers like a small kernel, so the compiler is tested without one.
type fakeFacts struct{}

func (fakeFacts) TracepointFields(group, event string) ([]compiler.TracepointField, error) {
	return []compiler.TracepointField{
		{Name: "filename", Offset: 16, Size: 8, Type: types.PointerTo(types.Int8, true)},
		{Name: "ret", Offset: 16, Size: 8, Type: types.Int64},
		{Name: "count", Offset: 24, Size: 8, Type: types.Uint64},
		{Name: "buf", Offset: 32, Size: 8, Type: types.PointerTo(types.Int8, true)},
		{Name: "sig", Offset: 40, Size: 4, Type: types.Int32},
	}, nil
}
func (fakeFacts) Tracepoints(pattern string) ([]string, error) {
	return []string{strings.ReplaceAll(pattern, "*", "x")}, nil
}
func (fakeFacts) NumCPUs() int { return 2 }

func compile(t testing.TB, src string) error {
	prog, err := lang.Parse("test.sd", []byte(src))
	if err != nil {
		return err
	}
	_, err = compiler.Compile(prog, compiler.Options{Facts: fakeFacts{}, Env: func(string) string { return "" }})
	return err
}

func TestCheckErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{`BEGIN { printf("%d\n"); }`, "not enough arguments for format string (0 supplied, 1 expected)"},
		{`BEGIN { @x = 1; @x[1] = 2; }`, "used with keys elsewhere"},
		{`BEGIN { prnt("x"); }`, "did you mean print()?"},
		{`t:syscalls:sys_enter_openat { @[args.filenme] = count(); }`, "did you mean args.filename?"},
		{`BEGIN { $x = 1; $x = "a"; }`, "type mismatch for $x"},
		{`BEGIN { system("ls"); }`, "--unsafe"},
		{`BEGIN { @h = hist(1, 9); }`, "between 0 and 5"},
		{`BEGIN { @a = count(); @a = sum(1); }`, "already holds count()"},
		{`BEGIN { print(@nope); }`, "unknown map @nope"},
		{`kprobez:f { }`, "unknown probe type"},
		// Found by cmd/sonde's TestProgFuzz: the kernel rejected the
		// silently truncated jump ("jump out of range").
		{`BEGIN { if (pid > 0) { unroll(100) { unroll(20) { @x[pid] = 1; } } } }`, "BPF jumps reach 32767"},
	} {
		err := compile(t, c.src)
		if err == nil || !strings.Contains(err.Error()+hints(err), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.src, err, c.want)
		}
	}
}

func hints(err error) string {
	var b strings.Builder
	var l diag.List
	if errors.As(err, &l) {
		for _, d := range l {
			b.WriteString(strings.Join(d.Hints, " "))
		}
	}
	return b.String()
}

func TestCompileDeterministic(t *testing.T) {
	src := `t:syscalls:sys_enter_openat /pid > 10/ { @[comm, args.count] = count(); @s = hist(args.ret); printf("%s %d\n", comm, pid); }`
	a, b := mustSpec(t, src), mustSpec(t, src)
	if a != b {
		t.Fatal("the same script compiled to different instructions")
	}
}

// Compile leaves its input alone: macro expansion works on copies, so the
// tree after compiling equals the tree before, and compiling it again
// gives the same instructions.
func TestCompileKeepsInput(t *testing.T) {
	for _, src := range []string{
		`macro twice(x) { x * 2 } macro bump(@m, k) { @m[k] = count(); } t:syscalls:sys_enter_openat /twice(pid) > 10/ { bump(@opens, comm); printf("%d\n", twice(args.count)); }`,
		`t:syscalls:sys_enter_openat < count() by comm; hist(args.count) >`,
	} {
		prog, err := lang.Parse("test.sd", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		before, dump := ast.Clone(prog, nil), ast.Dump(prog)
		first := compileListing(t, prog)
		if !reflect.DeepEqual(prog, before) {
			t.Errorf("%s: Compile changed its input:\n%s\nwas:\n%s", src, ast.Dump(prog), dump)
		}
		if again := compileListing(t, prog); again != first {
			t.Errorf("%s: a second Compile of the same tree gave other instructions", src)
		}
	}
}

func compileListing(t *testing.T, prog *ast.Program) string {
	t.Helper()
	spec, err := compiler.Compile(prog, compiler.Options{Facts: fakeFacts{}, Env: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, p := range spec.Programs {
		b.WriteString(p.Spec.Instructions.String())
	}
	return b.String()
}

func mustSpec(t *testing.T, src string) string {
	prog, err := lang.Parse("test.sd", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return compileListing(t, prog)
}

// FuzzCompile: whatever parses must compile or fail with a positioned
// error, never panic.
func FuzzCompile(f *testing.F) {
	for _, dir := range []string{"../lang/testdata", "../lang/testdata/acceptance", "../examples"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.sd"))
		bt, _ := filepath.Glob(filepath.Join(dir, "*.bt"))
		for _, name := range append(files, bt...) {
			if b, err := os.ReadFile(name); err == nil {
				f.Add(string(b))
			}
		}
	}
	f.Add(`BEGIN { @x[1, "a"] = sum(3); $y = (1, "b"); print($y); }`)
	f.Add(`BEGIN { @m[1, "a"] = 2; $t = 0; for ($kv : @m) { $t += $kv.1; if ($kv.0.0 == 1) { break; } } @n = len(@m); }`)
	f.Fuzz(func(t *testing.T, src string) {
		prog, err := lang.Parse("fuzz.sd", []byte(src))
		if err != nil {
			return
		}
		_, err = compiler.Compile(prog, compiler.Options{Facts: fakeFacts{}, Env: func(string) string { return "" }})
		if err != nil && !strings.Contains(err.Error(), ":") {
			t.Errorf("error without a position: %v", err)
		}
	})
}
