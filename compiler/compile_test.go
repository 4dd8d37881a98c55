package compiler_test

import (
	"errors"
	"fmt"
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
	// The error corpus: scripts users really get wrong.
	if data, err := os.ReadFile("testdata/corpus/errors.txt"); err == nil {
		for _, chunk := range strings.Split(string(data), "\n---\n") {
			f.Add(corpusScript(chunk))
		}
	}
	f.Add(`BEGIN { @x[1, "a"] = sum(3); $y = (1, "b"); print($y); }`)
	f.Add(`BEGIN { @m[1, "a"] = 2; $t = 0; for ($kv : @m) { $t += $kv.1; if ($kv.0.0 == 1) { break; } } @n = len(@m); }`)
	f.Fuzz(func(t *testing.T, src string) {
		prog, err := lang.Parse("fuzz.sd", []byte(src))
		if err != nil {
			return
		}
		// With kernel types and symbols too, so their paths are reached.
		_, err = compiler.Compile(prog, compiler.Options{Facts: fakeFacts{}, KernelTypes: fakeKernel{},
			Symbols: fakeSymbols{}, UserSymbols: fakeSymbols{}, Env: func(string) string { return "" }})
		if msg := unpositioned(err); msg != "" {
			t.Fatalf("%s\nscript: %q", msg, src)
		}
		var list diag.List
		if errors.As(err, &list) {
			for _, d := range list {
				if strings.Contains(d.Error(), "\n") {
					t.Fatalf("error of more than one line: %q", d.Error())
				}
			}
		}
	})
}

// unpositioned says what is wrong when err is not a list of diagnostics
// that each point at a real place in the script (line and column from 1).
// "0:0: error" is not a position.
func unpositioned(err error) string {
	if err == nil {
		return ""
	}
	var l diag.List
	if !errors.As(err, &l) || len(l) == 0 {
		return fmt.Sprintf("error %T is not a list of diagnostics: %v", err, err)
	}
	for _, d := range l {
		if p := d.Span.Start; p.Line < 1 || p.Col < 1 {
			return fmt.Sprintf("error without a position (%d:%d): %s", p.Line, p.Col, d.Msg)
		}
	}
	return ""
}

// The errors that once carried no position (0:0) point at the script.
func TestErrorsPositioned(t *testing.T) {
	for _, c := range []struct {
		src  string
		kt   compiler.KernelTypes
		want string // line:col
	}{
		{src: "config = { max_strlen = 5000 }\nBEGIN { }", want: "1:12"},
		// ppid reads task_struct->real_parent->tgid: a kernel whose BTF
		// lacks the field is reported at ppid.
		{src: "BEGIN {\n  @ = ppid;\n}", kt: noParentKernel{}, want: "2:7"},
	} {
		prog, err := lang.Parse("test.sd", []byte(c.src))
		if err != nil {
			t.Fatal(err)
		}
		_, err = compiler.Compile(prog, compiler.Options{Facts: fakeFacts{}, KernelTypes: c.kt, Env: func(string) string { return "" }})
		if msg := unpositioned(err); msg != "" || err == nil {
			t.Errorf("%q: %v %s", c.src, err, msg)
			continue
		}
		var l diag.List
		errors.As(err, &l)
		if at := fmt.Sprintf("%d:%d", l[0].Span.Start.Line, l[0].Span.Start.Col); at != c.want {
			t.Errorf("%q: error at %s, want %s: %v", c.src, at, c.want, err)
		}
	}
}

// noParentKernel is fakeKernel without task_struct's real_parent.
type noParentKernel struct{ fakeKernel }

func (k noParentKernel) Field(t *types.Type, name string) (types.Field, error) {
	if name == "real_parent" {
		return types.Field{}, errors.New("struct task_struct has no field real_parent")
	}
	return k.fakeKernel.Field(t, name)
}
