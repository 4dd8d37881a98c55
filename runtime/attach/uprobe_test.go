package attach

import (
	"sonde/plan"

	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cilium/ebpf"
)

//go:noinline
func uprobeTarget(x int) int { return x*3 + 1 }

const uprobeCalls = 100

// Go binaries take uprobes fine (not uretprobes: Go moves stacks, and the
// return trampoline breaks them).
func TestUprobeSelf(t *testing.T) {
	requireProvider(t, "uprobe")
	// Test binaries carry no symbol table: find the function's file offset
	// from its address and our own mappings.
	exe, off := selfOffset(t, reflect.ValueOf(uprobeTarget).Pointer())
	c := newCounter(t)
	prog := load(t, &ebpf.ProgramSpec{Type: ebpf.Kprobe, Instructions: tgidInsns(c)})
	mustAttach(t, plan.Probe{Provider: "uprobe", Binary: exe, Symbol: "uprobeTarget", Offset: off}, prog)
	sum := 0
	for i := range uprobeCalls {
		sum += uprobeTarget(i)
	}
	if n := c.total(t); n != uprobeCalls {
		t.Errorf("count = %d, want %d (sum %d)", n, uprobeCalls, sum)
	}
}

// selfOffset maps an address in this process's text to the mapped file
// and the offset in it.
func selfOffset(t *testing.T, addr uintptr) (string, uint64) {
	t.Helper()
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(maps), "\n") {
		// start-end perms offset dev inode path
		f := strings.Fields(line)
		if len(f) < 6 {
			continue
		}
		var start, end, off uint64
		fmt.Sscanf(f[0], "%x-%x", &start, &end)
		fmt.Sscanf(f[2], "%x", &off)
		if uint64(addr) >= start && uint64(addr) < end {
			return f[5], uint64(addr) - start + off
		}
	}
	t.Fatalf("address %#x is in no mapping", addr)
	return "", 0
}

// targetC calls target() n times once its USDT-style semaphore is set
// (and 200 ms more have passed), or at once without argv[2], then exits.
const targetC = `
#include <stdlib.h>
#include <unistd.h>
volatile unsigned short sem __attribute__((section(".probes")));
__attribute__((noinline)) int target(int x) { return x * 2 + 1; }
int main(int argc, char **argv) {
	int n = atoi(argv[1]);
	if (argc > 2) {
		int tries = 0;
		while (sem == 0) {
			if (++tries > 2000) return 3;
			usleep(1000);
		}
		usleep(200000);
	}
	volatile int s = 0;
	for (int i = 0; i < n; i++) s += target(i);
	return 0;
}
`

// buildTarget compiles targetC, or skips without a C compiler.
func buildTarget(t *testing.T) string {
	t.Helper()
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("no C compiler for the uprobe target")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "target.c")
	if err := os.WriteFile(src, []byte(targetC), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "target")
	if out, err := exec.Command(cc, "-O1", "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("cc: %v\n%s", err, out)
	}
	return bin
}

func TestUprobeC(t *testing.T) {
	requireProvider(t, "uprobe")
	bin := buildTarget(t)
	for _, prov := range []string{"uprobe", "uretprobe"} {
		t.Run(prov, func(t *testing.T) {
			c := newCounter(t)
			prog := load(t, &ebpf.ProgramSpec{Type: ebpf.Kprobe, Instructions: counterInsns(c, anyTask)})
			mustAttach(t, plan.Probe{Provider: prov, Name: prov + ":" + bin + ":target", Binary: bin, Symbol: "target"}, prog)
			if out, err := exec.Command(bin, fmt.Sprint(uprobeCalls)).CombinedOutput(); err != nil {
				t.Fatalf("target: %v\n%s", err, out)
			}
			if n := c.total(t); n != uprobeCalls {
				t.Errorf("count = %d, want %d", n, uprobeCalls)
			}
		})
	}
}

// A USDT probe activates its semaphore: the target waits for it before
// calling target(). The kernel sets the semaphore while perf_event_open
// registers the uprobe, before the event joins the task: a target that
// ran to its end at once would be gone by then (ESRCH), and its calls
// before the program is attached would be missed, so the target waits
// 200 ms after seeing the semaphore.
func TestUSDTSemaphore(t *testing.T) {
	requireProvider(t, "usdt")
	bin := buildTarget(t)
	c := newCounter(t)
	prog := load(t, &ebpf.ProgramSpec{Type: ebpf.Kprobe, Instructions: counterInsns(c, anyTask)})

	cmd := exec.Command(bin, fmt.Sprint(uprobeCalls), "wait")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond) // let it map the binary and poll
	p := plan.Probe{Provider: "usdt", Name: "usdt:" + bin + ":test:target", Binary: bin,
		Offset: fileOffset(t, bin, "target"), RefCtrOffset: fileOffset(t, bin, "sem"), Pid: cmd.Process.Pid}
	l, err := Attach(p, prog)
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal(err)
	}
	defer l.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("target did not see its semaphore set: %v", err)
	}
	if n := c.total(t); n != uprobeCalls {
		t.Errorf("count = %d, want %d", n, uprobeCalls)
	}
}

func TestUprobeErrors(t *testing.T) {
	requireProvider(t, "uprobe")
	c := newCounter(t)
	prog := load(t, &ebpf.ProgramSpec{Type: ebpf.Kprobe, Instructions: counterInsns(c, anyTask)})
	exe, _ := os.Executable()
	for _, p := range []plan.Probe{
		{Provider: "uprobe", Name: "uprobe:/nonexistent:f", Binary: "/nonexistent", Symbol: "f"},
		{Provider: "uprobe", Name: "uprobe:self:nope", Binary: exe, Symbol: "no_such_function"},
		{Provider: "uprobe", Name: "uprobe:self:", Binary: exe},
	} {
		_, err := Attach(p, prog)
		if err == nil || !strings.HasPrefix(err.Error(), "attach "+p.Name+": ") {
			t.Errorf("%s: err = %v", p.Name, err)
		}
	}
}

// fileOffset is the file offset of an ELF symbol, as the compiler resolves
// it for Probe.Offset.
func fileOffset(t *testing.T, path, name string) uint64 {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range syms {
		if s.Name != name {
			continue
		}
		for _, prog := range f.Progs {
			if prog.Type == elf.PT_LOAD && s.Value >= prog.Vaddr && s.Value < prog.Vaddr+prog.Memsz {
				return s.Value - prog.Vaddr + prog.Off
			}
		}
	}
	t.Fatalf("%s: no symbol %s", path, name)
	return 0
}
