package tracefs

import (
	"bytes"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true},
		{"*", "anything", true},
		{"sys_enter_*", "sys_enter_read", true},
		{"sys_enter_*", "sys_exit_read", false},
		{"*read", "sys_enter_read", true},
		{"*read", "sys_enter_readv", false},
		{"sys_*_read", "sys_enter_read", true},
		{"sys_?nter_read", "sys_enter_read", true},
		{"sys_?nter_read", "sys_nter_read", false},
		{"a*b*c", "aXbYbZc", true},
		{"a*b*c", "aXbYbZ", false},
		{"exact", "exact", true},
		{"exact", "exactly", false},
		{"syscalls:sys_enter_*", "syscalls:sys_enter_openat", true},
		{"*:sched_switch", "sched:sched_switch", true},
		{"a/b", "a/b", true}, // no path semantics
		{"[ab]", "a", false}, // no classes
		{"**x", "x", true},
	}
	for _, tt := range tests {
		if got := Match(tt.pattern, tt.s); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

func TestMatchEvents(t *testing.T) {
	in := "sched:sched_switch\nsyscalls:sys_enter_read\nsyscalls:sys_exit_read\nsyscalls:sys_enter_openat\n\nsched:sched_wakeup\n"
	tests := []struct {
		pattern string
		want    []string
	}{
		{"syscalls:sys_enter_*", []string{"syscalls:sys_enter_openat", "syscalls:sys_enter_read"}},
		{"*:*read", []string{"syscalls:sys_enter_read", "syscalls:sys_exit_read"}},
		{"sched_*", []string{"sched:sched_switch", "sched:sched_wakeup"}}, // no group: any group
		{"sched:sched_switch", []string{"sched:sched_switch"}},
		{"nope:*", nil},
		{"", []string{"sched:sched_switch", "sched:sched_wakeup", "syscalls:sys_enter_openat", "syscalls:sys_enter_read", "syscalls:sys_exit_read"}},
	}
	for _, tt := range tests {
		got, err := matchEvents(strings.NewReader(in), tt.pattern)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("matchEvents(%q) = %q, want %q", tt.pattern, got, tt.want)
		}
	}
}

func TestMatchFunctions(t *testing.T) {
	in := "vfs_read\nvfs_write\nvfs_read\nfoo.part.0\next4_read [ext4]\n__ftrace_invalid_address___64\n"
	got, err := matchFunctions(strings.NewReader(in), "*read")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"ext4_read", "vfs_read"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestMountLive(t *testing.T) {
	requireTracefs(t)
	dir, err := Mount()
	if err != nil {
		t.Fatal(err)
	}
	if !isTracefs(dir) {
		t.Errorf("Mount() = %s, which is not tracefs", dir)
	}
	if again, _ := Mount(); again != dir {
		t.Errorf("second Mount() = %s, want %s", again, dir)
	}
	if isTracefs("/proc") {
		t.Error("/proc taken for tracefs")
	}
}

func TestListLive(t *testing.T) {
	requireTracefs(t)
	var b bytes.Buffer
	if err := List(&b, "syscalls:sys_enter_open*", false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "tracepoint:syscalls:sys_enter_openat\n") {
		t.Errorf("List missed sys_enter_openat:\n%s", b.String())
	}
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if !strings.HasPrefix(line, "tracepoint:syscalls:sys_enter_open") {
			t.Errorf("unexpected line %q", line)
		}
	}

	b.Reset()
	if err := List(&b, "syscalls:sys_enter_openat", true); err != nil {
		t.Fatal(err)
	}
	want := "tracepoint:syscalls:sys_enter_openat\n    int __syscall_nr\n    int dfd\n    const char * filename\n    int flags\n    umode_t mode\n"
	if b.String() != want {
		t.Errorf("List -v:\n%s\nwant:\n%s", b.String(), want)
	}

	// bpftrace 0.17, when installed, is the reference for the format.
	if _, err := exec.LookPath("bpftrace"); err == nil {
		pattern := "tracepoint:sched:sched_process_*"
		out, err := exec.Command("bpftrace", "-lv", pattern).Output()
		if err == nil {
			b.Reset()
			if err := List(&b, strings.TrimPrefix(pattern, "tracepoint:"), true); err != nil {
				t.Fatal(err)
			}
			if b.String() != string(out) {
				t.Errorf("List differs from bpftrace -lv %s:\n%s\nbpftrace:\n%s", pattern, b.String(), out)
			}
		}
	}
}

func TestListKprobesLive(t *testing.T) {
	requireTracefs(t)
	var b bytes.Buffer
	err := ListKprobes(&b, "kretprobe", "vfs_rea*")
	if err != nil {
		t.Skipf("cannot read available_filter_functions here: %v", err)
	}
	if !slices.Contains(strings.Split(b.String(), "\n"), "kretprobe:vfs_read") {
		t.Errorf("ListKprobes(vfs_rea*) missed vfs_read:\n%s", b.String())
	}
}
