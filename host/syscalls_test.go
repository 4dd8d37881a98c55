package host

import (
	"os"
	goruntime "runtime"
	"strings"
	"testing"
)

func TestSyscallNr(t *testing.T) {
	if goruntime.GOARCH != "amd64" {
		t.Skip("syscall numbers are x86_64's")
	}
	for name, want := range map[string]int{
		"read": 0, "newstat": 4, "newfstat": 5, "newlstat": 6, "sendfile64": 40,
		"execve": 59, "newuname": 63, "umount": 166, "openat": 257, "clone3": 435,
	} {
		if got, ok := (kernelFacts{}).SyscallNr(name); !ok || got != want {
			t.Errorf("SyscallNr(%q) = %d, %v; want %d", name, got, ok, want)
		}
	}
	if _, ok := (kernelFacts{}).SyscallNr("nosuchcall"); ok {
		t.Error("SyscallNr(nosuchcall) found a number")
	}
}

// Every syscall tracepoint of this kernel has a number, so a wildcard is
// dispatched whole.
func TestSyscallNrCoversTracefs(t *testing.T) {
	if goruntime.GOARCH != "amd64" {
		t.Skip("syscall numbers are x86_64's")
	}
	ents, err := os.ReadDir("/sys/kernel/tracing/events/syscalls")
	if err != nil {
		t.Skipf("no syscall tracepoints here: %v", err)
	}
	for _, e := range ents {
		name, ok := strings.CutPrefix(e.Name(), "sys_enter_")
		if !ok {
			continue
		}
		if _, ok := (kernelFacts{}).SyscallNr(name); !ok {
			t.Errorf("no number for the syscall of tracepoint %s", e.Name())
		}
	}
}
