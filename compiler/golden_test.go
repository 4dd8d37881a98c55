package compiler_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sonde/compiler"
	"sonde/lang"
)

var update = flag.Bool("update", false, "rewrite testdata/codegen/*.golden from the compiler's output")

// Each testdata/codegen/*.sd compiles (against the fake kernel facts) to
// exactly the Plan and instructions in the .golden file next to it: what
// the checker typed (maps, keys, values, actions) and what the generator
// emitted. Review changes with git diff after -update.
func TestCodegenGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/codegen/*.sd")
	if len(files) == 0 {
		t.Fatal("no testdata/codegen/*.sd files")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".sd"), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got := describeSpec(t, file, src)
			golden := strings.TrimSuffix(file, ".sd") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s changed (run go test ./compiler -run Golden -update and review the diff):\n%s", golden, firstDiff(string(want), got))
			}
		})
	}
}

func describeSpec(t *testing.T, file string, src []byte) string {
	prog, err := lang.Parse(filepath.Base(file), src)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := compiler.Compile(prog, compiler.Options{
		Facts: fakeFacts{}, KernelTypes: fakeKernel{}, Symbols: fakeSymbols{}, UserSymbols: fakeSymbols{},
		Unsafe: true, Env: func(string) string { return "" },
	})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	plan := spec.Plan
	for _, m := range plan.Maps {
		fmt.Fprintf(&b, "map %s: bpf %s key %v value %v agg %v percpu %v array %v\n", m.Name, m.MapName, m.Key, m.Value, m.Agg, m.PerCPU, m.Array)
	}
	for i, a := range plan.Actions {
		fmt.Fprintf(&b, "action %d: kind %d format %q args %v map %q\n", i, a.Kind, a.Format, a.Args, a.Map)
	}
	for _, m := range spec.Maps {
		fmt.Fprintf(&b, "bpf map %s: %v key %d value %d entries %d\n", m.Name, m.Type, m.KeySize, m.ValueSize, m.MaxEntries)
	}
	for _, p := range spec.Programs {
		fmt.Fprintf(&b, "\nprogram %s (%v):\n%v", p.Probe.Name, p.Spec.Type, p.Spec.Instructions)
	}
	return b.String()
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n  want %q\n  got  %q", i+1, wl, gl)
		}
	}
	return ""
}
