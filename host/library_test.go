package host_test

import (
	"bytes"
	"context"
	"os"
	"testing"

	"sonde/compiler"
	"sonde/host"
	"sonde/lang"
	"sonde/runtime"
	"sonde/runtime/output/text"
)

// The packages are a library: a Go program parses, compiles and runs a
// script without the CLI.
func Example() {
	src := []byte(`BEGIN { printf("hello from %s\n", comm); @calls = count(); }`)
	prog, err := lang.Parse("hello.sd", src)
	if err != nil {
		panic(err)
	}
	h := host.New()
	spec, err := compiler.Compile(prog, h.CompilerOptions())
	h.Save()
	if err != nil {
		panic(err)
	}
	env := host.NewEnv(spec)
	out := text.New(os.Stdout, os.Stderr, env)
	if _, err := runtime.Run(context.Background(), spec, runtime.Options{Out: out, Env: env, Quiet: true}); err != nil {
		panic(err)
	}
}

func TestLibraryPipeline(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("loading BPF programs needs root")
	}
	prog, err := lang.Parse("lib.sd", []byte(`BEGIN { printf("%d\n", 6 * 7); @n = count(); }`))
	if err != nil {
		t.Fatal(err)
	}
	h := host.New()
	spec, err := compiler.Compile(prog, h.CompilerOptions())
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	env := host.NewEnv(spec)
	res, err := runtime.Run(context.Background(), spec, runtime.Options{Out: text.New(&stdout, &stderr, env), Env: env, Quiet: true})
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("run: %v (exit %d)\n%s", err, res.ExitCode, stderr.String())
	}
	if want := "42\n\n\n@n: 1\n"; stdout.String() != want {
		t.Errorf("stdout %q, want %q", stdout.String(), want)
	}
}
