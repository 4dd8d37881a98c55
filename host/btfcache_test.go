package host

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sonde/compiler"
	"sonde/lang"
	"strings"
	"testing"
)

// The BTF cache answers what BTF answered, and a run that finds everything
// in it never opens BTF.
func TestBTFCache(t *testing.T) {
	if _, err := os.Stat("/sys/kernel/btf/vmlinux"); err != nil {
		t.Skip("kernel has no BTF")
	}
	t.Setenv("SONDE_CACHE_DIR", t.TempDir())
	ask := func(l *lazyBTF) []any {
		task, err := l.Type("struct task_struct")
		if err != nil {
			t.Fatal(err)
		}
		parent, err := l.Field(task, "real_parent")
		if err != nil {
			t.Fatal(err)
		}
		pid, err := l.Field(parent.Type.Elem, "pid") // through a stub
		if err != nil {
			t.Fatal(err)
		}
		v, et, ok := l.EnumValue("TCP_FIN_WAIT1")
		sig, err := kernelFuncs{l}.Func("", "vfs_read")
		if err != nil {
			t.Fatal(err)
		}
		rt, err := kernelFuncs{l}.RawTracepoint("", "sched_switch")
		if err != nil {
			t.Fatal(err)
		}
		return []any{task, parent, pid, v, et, ok, sig, rt}
	}
	cold := newLazyBTF()
	want := ask(cold)
	cold.saveCache()
	files, _ := filepath.Glob(filepath.Join(os.Getenv("SONDE_CACHE_DIR"), "btf-*.json"))
	if len(files) != 1 {
		t.Fatalf("cache files %v, want one", files)
	}

	warm := newLazyBTF()
	got := ask(warm)
	if warm.k != nil {
		t.Error("a run answered from the cache opened BTF")
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("answer %d from the cache differs:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	// Unknown names still get BTF's error and did-you-mean.
	task, _ := warm.Type("struct task_struct")
	if _, err := warm.Field(task, "real_parnt"); err == nil {
		t.Error("unknown field found")
	}

	// Scripts compile to the same code with and without the cache.
	for _, prog := range []string{
		`tracepoint:sched:sched_switch { @[curtask->real_parent->comm, ((struct task_struct *)curtask)->pid] = count(); }`,
		`rawtracepoint:sched_switch { @[args.next->pid, args.prev->comm] = count(); }`,
		`BEGIN { @[TCP_FIN_WAIT1] = count(); exit(); }`,
	} {
		t.Setenv("SONDE_CACHE_DIR", "off")
		off, err := compileListing(prog)
		if err != nil {
			t.Fatalf("%s: %v", prog, err)
		}
		t.Setenv("SONDE_CACHE_DIR", filepath.Dir(files[0]))
		compileListing(prog) // fill
		on, _ := compileListing(prog)
		if on != off {
			t.Errorf("%s: code differs with the cache", prog)
		}
	}
}

// compileListing compiles prog for this machine, as sonde -d asm does,
// saving what BTF answered, and returns the instruction listing.
func compileListing(src string) (string, error) {
	prog, err := lang.Parse("stdin", []byte(src))
	if err != nil {
		return "", err
	}
	h := New()
	spec, err := compiler.Compile(prog, h.CompilerOptions())
	h.Save()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, p := range spec.Programs {
		fmt.Fprintf(&b, "%s:\n%v\n", p.Probe.Name, p.Spec.Instructions)
	}
	return b.String(), nil
}
