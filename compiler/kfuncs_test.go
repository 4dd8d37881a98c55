package compiler_test

import (
	"sonde/plan"

	"errors"
	"strings"
	"testing"

	"github.com/cilium/ebpf"

	"sonde/compiler"
	"sonde/lang"
	"sonde/types"
)

// fakeFuncs is a kernel with vfs_read, vfs_write and one raw tracepoint.
type fakeFuncs struct{}

var fakeSigs0File = types.PointerTo(&types.Type{Kind: types.Struct, Name: "struct file", Size: 200}, false)

var fakeSigs = map[string]*compiler.FuncSig{
	"vfs_read": {Params: []compiler.FuncParam{
		{Name: "file", Type: types.PointerTo(&types.Type{Kind: types.Struct, Name: "struct file", Size: 200}, false)},
		{Name: "buf", Type: types.PointerTo(types.Int8, true)},
		{Name: "count", Type: types.Uint64},
		{Name: "pos", Type: types.PointerTo(types.Int64, false)},
	}, Return: types.Int64},
	"vfs_write":     {Params: []compiler.FuncParam{{Name: "file", Type: fakeSigs0File}}, Return: types.Int64},
	"do_nothing":    {Return: types.VoidT},
	"small_ret":     {Params: []compiler.FuncParam{{Name: "x", Type: types.Int32}}, Return: types.Int32},
	"seven_args_fn": {Params: sevenParams(), Return: types.Int32},
}

func sevenParams() []compiler.FuncParam {
	var ps []compiler.FuncParam
	for _, n := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		ps = append(ps, compiler.FuncParam{Name: n, Type: types.Uint32})
	}
	return ps
}

func (fakeFuncs) Func(module, name string) (*compiler.FuncSig, error) {
	if s, ok := fakeSigs[name]; ok {
		return s, nil
	}
	return nil, errors.New("function " + name + " not found in kernel BTF")
}
func (fakeFuncs) RawTracepoint(module, name string) (*compiler.FuncSig, error) {
	if name == "sched_switch" {
		return &compiler.FuncSig{Params: []compiler.FuncParam{
			{Name: "preempt", Type: types.BoolT}, {Name: "prev", Type: types.Uint64}, {Name: "next", Type: types.Uint64},
		}, Return: types.VoidT}, nil
	}
	return nil, errors.New("raw tracepoint " + name + " not found")
}
func (fakeFuncs) Traceable(pattern string) ([]string, error) {
	if pattern == "vfs_*" {
		return []string{"vfs_read", "vfs_write"}, nil
	}
	return nil, nil
}
func (f fakeFuncs) BTFFunctions(module, pattern string) ([]string, error) {
	return f.Traceable(pattern)
}
func (fakeFuncs) RawTracepoints(module, pattern string) ([]string, error) {
	return []string{"sched_switch"}, nil
}

// support answers ProbeSupport with the given providers missing.
func support(missing ...string) func(string) error {
	return func(p string) error {
		for _, m := range missing {
			if m == p {
				return errors.New(p + ": this kernel has no " + p)
			}
		}
		return nil
	}
}

func compileKernel(t *testing.T, src string, sup func(string) error) (*plan.Spec, error) {
	t.Helper()
	prog, err := lang.Parse("test.sd", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return compiler.Compile(prog, compiler.Options{Facts: fakeFacts{}, KernelFuncs: fakeFuncs{},
		ProbeSupport: sup, Env: func(string) string { return "" }})
}

func TestKernelProbeMechanism(t *testing.T) {
	for _, c := range []struct {
		src      string
		missing  []string
		provs    string // providers of the programs, space separated
		attach   ebpf.AttachType
		note     string
		multi    bool
		symbols  int
		programs int
	}{
		{src: `kprobe:vfs_read { @ = count(); }`, provs: "kprobe", programs: 1},
		{src: `kprobe:vfs_read { @ = count(); }`, missing: []string{"kprobe"}, provs: "fentry",
			attach: ebpf.AttachTraceFEntry, note: "kprobe:vfs_read runs as fentry:vfs_read (this kernel has no kprobe)", programs: 1},
		{src: `kretprobe:vfs_read { @ = hist(retval); }`, missing: []string{"kretprobe"}, provs: "fexit",
			attach: ebpf.AttachTraceFExit, note: "kretprobe:vfs_read runs as fexit:vfs_read", programs: 1},
		{src: `fentry:vfs_read { @ = count(); }`, missing: []string{"fentry"}, provs: "kprobe",
			note: "fentry:vfs_read runs as kprobe:vfs_read", programs: 1},
		{src: `kprobe:vfs_* { @[func] = count(); }`, provs: "kprobe", attach: ebpf.AttachTraceKprobeMulti,
			multi: true, symbols: 2, programs: 1},
		{src: `kprobe:vfs_* { @[func] = count(); }`, missing: []string{"kprobe_multi"}, provs: "kprobe", symbols: 2, programs: 1},
		{src: `kprobe:vfs_* { @[probe] = count(); }`, provs: "kprobe kprobe", programs: 2},
		{src: `kprobe:vfs_* { @[args.file] = count(); }`, provs: "kprobe kprobe", programs: 2},
		{src: `fentry:vfs_* { @[func] = count(); }`, provs: "fentry fentry", attach: ebpf.AttachTraceFEntry, programs: 2},
	} {
		spec, err := compileKernel(t, c.src, support(c.missing...))
		if err != nil {
			t.Errorf("%s (missing %v): %v", c.src, c.missing, err)
			continue
		}
		var provs []string
		for _, p := range spec.Programs {
			provs = append(provs, p.Probe.Provider)
		}
		if got := strings.Join(provs, " "); got != c.provs || len(spec.Programs) != c.programs {
			t.Errorf("%s (missing %v): programs %q, want %q", c.src, c.missing, got, c.provs)
			continue
		}
		p := spec.Programs[0]
		if p.Spec.AttachType != c.attach || p.Probe.Multi != c.multi || len(p.Probe.Symbols) != c.symbols {
			t.Errorf("%s (missing %v): attach %v multi %v symbols %v", c.src, c.missing, p.Spec.AttachType, p.Probe.Multi, p.Probe.Symbols)
		}
		notes := strings.Join(spec.Notes, "\n")
		if c.note == "" && notes != "" || !strings.Contains(notes, c.note) {
			t.Errorf("%s (missing %v): notes %q, want %q", c.src, c.missing, notes, c.note)
		}
		if c.programs == 1 && p.Probe.Name != strings.Fields(c.src)[0] {
			t.Errorf("%s: probe name %q", c.src, p.Probe.Name)
		}
	}
}

func TestKernelProbeErrors(t *testing.T) {
	for _, c := range []struct {
		src     string
		missing []string
		want    string
	}{
		{`kprobe:vfs_read { @ = count(); }`, []string{"kprobe", "fentry"},
			"test.sd:1:1: error: kprobe:vfs_read: this kernel has no kprobe; fentry:vfs_read is not available either"},
		{`kprobe:vfs_read+8 { @ = count(); }`, []string{"kprobe"}, "fentry cannot attach at an offset"},
		{`kprobe:vfs_read { @[args.coutn] = count(); }`, nil, "did you mean args.count?"},
		{`kretprobe:vfs_read { @[args.count] = count(); }`, nil, "use fexit"},
		{`kretprobe:vfs_read { @[arg0] = count(); }`, nil, "not available in kretprobe"},
		{`kprobe:vfs_read { @[arg6] = count(); }`, nil, "beyond the 6 register arguments"},
		{`kprobe:seven_args_fn { @[args.g] = count(); }`, nil, "passed on the stack"},
		{`fexit:do_nothing { @[retval] = count(); }`, nil, "returns void"},
		{`fentry:nope { @[args.x] = count(); }`, nil, "function nope not found"},
		{`tracepoint:a:b { @[func] = count(); }`, nil, "func is only available"},
		{`kprobe:nothing_* { @ = count(); }`, nil, "no kernel function matches nothing_*"},
		{`kprobe:vfs_*+4 { @ = count(); }`, nil, "a wildcard cannot have an offset"},
		{`fentry:vfs_read+4 { @ = count(); }`, nil, "only kprobes take an offset"},
		{`rt:sched_switch { @[arg3] = count(); }`, nil, "sched_switch has 3 arguments"},
	} {
		_, err := compileKernel(t, c.src, support(c.missing...))
		if err == nil || !strings.Contains(err.Error()+hints(err), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.src, err, c.want)
		}
	}
}

// Typed arguments read as their BTF types, narrowed from the register.
func TestKernelArgTypes(t *testing.T) {
	for _, c := range []struct {
		src  string
		want string
	}{
		{`kprobe:vfs_read { @[args.count] = count(); }`, "uint64"},
		{`fentry:vfs_read { @[args.buf] = count(); }`, "int8 *"},
		{`fexit:vfs_read { @[retval] = count(); }`, "int64"},
		{`fexit:small_ret { @[retval, args.x] = count(); }`, "(int64,int64)"},
		{`kretprobe:vfs_read { @[retval] = count(); }`, "int64"},
		{`rt:sched_switch { @[args.preempt] = count(); }`, "bool"},
		{`kprobe:vfs_read { @[arg1] = count(); }`, "uint64"},
		{`kprobe:vfs_read { @[func] = count(); }`, "ksym"},
	} {
		spec, err := compileKernel(t, c.src, nil)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if got := spec.Plan.Maps[0].Key.String(); got != c.want {
			t.Errorf("%s: key type %s, want %s", c.src, got, c.want)
		}
	}
}
