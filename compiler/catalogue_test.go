package compiler_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"sonde/compiler"
	"sonde/internal/refdoc"
	"sonde/lang"
	"sonde/provider"
	"sonde/types"
)

// fakeKernel has just enough BTF for curtask and ppid.
type fakeKernel struct{}

var fakeTask = &types.Type{Kind: types.Struct, Name: "task_struct", Size: 64}

var fakeIterTask = &types.Type{Kind: types.Struct, Name: "bpf_iter__task", Size: 16}

func (fakeKernel) Type(name string) (*types.Type, error) {
	switch strings.TrimPrefix(name, "struct ") {
	case "task_struct":
		return fakeTask, nil
	case "bpf_iter__task":
		return fakeIterTask, nil
	}
	return nil, errors.New("no type " + name)
}

func (fakeKernel) Field(t *types.Type, name string) (types.Field, error) {
	switch name {
	case "task":
		return types.Field{Name: name, Offset: 8, Type: types.PointerTo(fakeTask, false)}, nil
	case "real_parent":
		return types.Field{Name: name, Offset: 8, Type: types.PointerTo(fakeTask, false)}, nil
	case "tgid":
		return types.Field{Name: name, Offset: 16, Type: types.Int32}, nil
	case "comm":
		return types.Field{Name: name, Offset: 24, Type: types.ArrayOf(types.Int8, 16)}, nil
	}
	return types.Field{}, fmt.Errorf("struct %s has no field %q", t.Name, name) // as kernel/btf says it
}

func (fakeKernel) EnumValue(string) (int64, *types.Type, bool) { return 0, nil, false }

type fakeSymbols struct{}

func (fakeSymbols) KernelAddr(name string) (uint64, bool) {
	return 0xffffffff81000000, name == "vfs_read"
}
func (fakeSymbols) Uprobes(binary, spec string, pid int) ([]compiler.UprobeTarget, error) {
	return []compiler.UprobeTarget{{Binary: binary, Symbol: spec, FileOffset: 0x1000, Addr: 0x1000}}, nil
}
func (fakeSymbols) USDT(binary, spec string, pid int) ([]compiler.USDTTarget, error) {
	return []compiler.USDTTarget{{Binary: binary, Provider: "p", Name: spec, FileOffset: 0x1100, PC: 0x1100,
		Args: []compiler.USDTArg{{Kind: compiler.USDTReg, Size: 4, Signed: true, Reg: 112, Index: -1}}}}, nil
}
func (fakeSymbols) Addr(binary, name string, pid int) (compiler.UserAddr, error) {
	return compiler.UserAddr{Addr: 0x4000, Size: 8, PIE: true}, nil
}

// Every example of the reference (docs/reference.md: providers, builtins,
// functions, aggregations, config keys, output formats) type-checks and
// lowers against the fake kernel.
func TestCatalogueExamplesCompile(t *testing.T) {
	docs := refdoc.All()
	if len(docs) < 100 {
		t.Fatalf("the reference has %d entries; the catalogue is larger", len(docs))
	}
	for _, d := range docs {
		t.Run(string(d.Kind)+"/"+d.Name, func(t *testing.T) {
			if d.Example == "" {
				t.Fatal("no example")
			}
			prog, err := lang.Parse("example.sd", []byte(d.Example))
			if err != nil {
				t.Fatalf("%s: %v", d.Example, err)
			}
			spec, err := compiler.Compile(prog, compiler.Options{
				Facts: fakeFacts{}, KernelTypes: fakeKernel{}, KernelFuncs: fakeFuncs{},
				Symbols: fakeSymbols{}, UserSymbols: fakeSymbols{},
				Unsafe: true, Env: func(string) string { return "" },
			})
			if err != nil {
				t.Fatalf("%s: %v", d.Example, err)
			}
			if len(spec.Programs) == 0 || len(spec.Programs[0].Spec.Instructions) == 0 {
				t.Fatalf("%s: no code", d.Example)
			}
		})
	}
}

// Every provider's example script type-checks and lowers, and a provider
// sonde does not run says so.
func TestProviderExamplesCompile(t *testing.T) {
	for _, d := range provider.All() {
		t.Run(d.Name, func(t *testing.T) {
			src := d.Example
			if !d.Runs() {
				src = d.Form + " { }"
			}
			prog, err := lang.Parse("example.sd", []byte(src))
			if err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			spec, err := compiler.Compile(prog, compiler.Options{
				Facts: fakeFacts{}, KernelTypes: fakeKernel{}, Symbols: fakeSymbols{}, UserSymbols: fakeSymbols{},
				KernelFuncs: fakeFuncs{}, Env: func(string) string { return "" },
			})
			if !d.Runs() {
				if err == nil || !strings.Contains(err.Error(), d.Name+" probes are not supported yet") {
					t.Fatalf("%s: err = %v", src, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			found := false
			for _, p := range spec.Programs {
				found = found || p.Probe.Provider == d.Name
			}
			if !found {
				t.Fatalf("%s: no %s program", src, d.Name)
			}
		})
	}
}

// fakeFacts resolves every cgroup path to one id.
func (fakeFacts) CgroupID(path string) (uint64, error) { return 4242, nil }
