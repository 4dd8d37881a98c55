package dwarftypes

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var (
	bigOnce sync.Once
	bigPath string
	bigErr  error
)

// bigBinary builds sonde itself with DWARF (tens of MB of debug info
// before compression): the large binary of the benchmarks.
func bigBinary(b *testing.B) string {
	bigOnce.Do(func() {
		dir, err := os.MkdirTemp("", "dwarftypes-bench")
		if err != nil {
			bigErr = err
			return
		}
		bigPath = filepath.Join(dir, "sonde-dwarf")
		out, err := exec.Command("go", "build", "-o", bigPath, "sonde/cmd/sonde").CombinedOutput()
		if err != nil {
			bigErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if bigErr != nil {
		b.Skip(bigErr)
	}
	return bigPath
}

// BenchmarkTypeOneUprobe is what typing `args.f->path` costs on a large Go
// binary with DWARF (sonde): open, load the debug sections, find the
// function's prototype by name, complete the struct behind the pointer.
func BenchmarkTypeOneUprobe(b *testing.B) {
	exe := bigBinary(b)
	const name = "sonde/kernel/dwarftypes.(*File).Func"
	addr := symbolValue(b, exe, name)
	for b.Loop() {
		f := Open(exe)
		fn, err := f.Func(name, addr)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.Field(fn.Params[0].Type.Elem, "path"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTypeByName looks a struct up by name, which reads the top level
// of every compilation unit once.
func BenchmarkTypeByName(b *testing.B) {
	exe := bigBinary(b)
	for b.Loop() {
		if _, err := Open(exe).Type("struct debug/dwarf.Entry"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestMain removes the large binary the benchmarks built.
func TestMain(m *testing.M) {
	code := m.Run()
	if bigPath != "" {
		os.RemoveAll(filepath.Dir(bigPath))
	}
	os.Exit(code)
}
