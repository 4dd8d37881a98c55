package main

import (
	"os"
	"path/filepath"
	"reflect"
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
		off, stderr, code := sonde(t, "-d", "asm", "-e", prog)
		if code != 0 {
			t.Fatalf("%s: %s", prog, stderr)
		}
		t.Setenv("SONDE_CACHE_DIR", filepath.Dir(files[0]))
		sonde(t, "-d", "asm", "-e", prog) // fill
		on, _, _ := sonde(t, "-d", "asm", "-e", prog)
		if on != off {
			t.Errorf("%s: code differs with the cache", prog)
		}
	}
}
