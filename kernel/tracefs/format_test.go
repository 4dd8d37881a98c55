package tracefs

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sonde/types"
)

func parseFile(t *testing.T, file, group, event string) *Event {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ev, err := ParseFormat(f, group, event)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// describe renders a field on one line so tables of expectations stay short.
func describe(f *Field) string {
	var flags []string
	if f.Common {
		flags = append(flags, "common")
	}
	if f.DataLoc {
		flags = append(flags, "dataloc")
	}
	if f.RelLoc {
		flags = append(flags, "relloc")
	}
	if f.ArrayLen != 0 {
		flags = append(flags, fmt.Sprintf("len=%d", f.ArrayLen))
	}
	if f.Signed {
		flags = append(flags, "signed")
	}
	return fmt.Sprintf("%s %q @%d+%d [%s] %s", f.Name, f.CType, f.Offset, f.Size, strings.Join(flags, ","), typeString(f.Type))
}

// typeString is types.Type.String plus the address space of pointers.
func typeString(t *types.Type) string {
	if t == nil {
		return "void"
	}
	if t.Kind == types.Pointer {
		space := "kernel"
		if t.User {
			space = "user"
		}
		return fmt.Sprintf("%s(%s)", space, typeString(t.Elem)) + "*"
	}
	if t.Kind == types.Struct {
		return t.Name
	}
	return t.String()
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		file, group, event string
		id                 uint32
		want               []string
	}{
		{"sys_enter_execve.format", "syscalls", "sys_enter_execve", 862, []string{
			`common_type "unsigned short" @0+2 [common] uint16`,
			`common_flags "unsigned char" @2+1 [common] uint8`,
			`common_preempt_count "unsigned char" @3+1 [common] uint8`,
			`common_pid "int" @4+4 [common,signed] int32`,
			`__syscall_nr "int" @8+4 [signed] int32`,
			`filename "const char *" @16+8 [] user(int8)*`,
			`argv "const char *const *" @24+8 [] user(user(int8)*)*`,
			`envp "const char *const *" @32+8 [] user(user(int8)*)*`,
		}},
		{"sched_switch.format", "sched", "sched_switch", 372, []string{
			`common_type "unsigned short" @0+2 [common] uint16`,
			`common_flags "unsigned char" @2+1 [common] uint8`,
			`common_preempt_count "unsigned char" @3+1 [common] uint8`,
			`common_pid "int" @4+4 [common,signed] int32`,
			`prev_comm "char[16]" @8+16 [len=16] string[16]`,
			`prev_pid "pid_t" @24+4 [signed] int32`,
			`prev_prio "int" @28+4 [signed] int32`,
			`prev_state "long" @32+8 [signed] int64`,
			`next_comm "char[16]" @40+16 [len=16] string[16]`,
			`next_pid "pid_t" @56+4 [signed] int32`,
			`next_prio "int" @60+4 [signed] int32`,
		}},
		{"sched_process_exec.format", "sched", "sched_process_exec", 365, []string{
			`common_type "unsigned short" @0+2 [common] uint16`,
			`common_flags "unsigned char" @2+1 [common] uint8`,
			`common_preempt_count "unsigned char" @3+1 [common] uint8`,
			`common_pid "int" @4+4 [common,signed] int32`,
			`filename "char[]" @8+4 [dataloc] string[0]`,
			`pid "pid_t" @12+4 [signed] int32`,
			`old_pid "pid_t" @16+4 [signed] int32`,
		}},
		{"edge_cases.format", "test", "edge_cases", 4242, []string{
			`common_type "unsigned short" @0+2 [common] uint16`,
			`common_flags "unsigned char" @2+1 [common] uint8`,
			`common_preempt_count "unsigned char" @3+1 [common] uint8`,
			`common_pid "int" @4+4 [common,signed] int32`,
			`addrs "u64[]" @8+4 [dataloc] uint64[0]`,
			`msg "char[]" @12+4 [dataloc,relloc] string[0]`,
			`saddr "u8[sizeof(struct sockaddr_in6)]" @16+28 [len=28] uint8[28]`,
			`args "unsigned long[6]" @48+48 [len=6] uint64[6]`,
			`skb "struct sk_buff *" @96+8 [] kernel(struct sk_buff)*`,
			`ptr "void *" @104+8 [] kernel(void)*`,
			`odd "xfs_weird_t" @112+2 [signed] int16`,
			`dir "enum dma_data_direction" @116+4 [] uint32`,
			`ok "bool" @120+1 [] bool`,
			`name "char *" @128+8 [] kernel(int8)*`,
			`blob "struct blob_s" @136+24 [] uint8[24]`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.event, func(t *testing.T) {
			ev := parseFile(t, tt.file, tt.group, tt.event)
			if ev.ID != tt.id || ev.Group != tt.group || ev.Name != tt.event {
				t.Errorf("got %s:%s id %d, want %s:%s id %d", ev.Group, ev.Name, ev.ID, tt.group, tt.event, tt.id)
			}
			var got []string
			for _, f := range ev.Fields {
				got = append(got, describe(f))
			}
			if g, w := strings.Join(got, "\n"), strings.Join(tt.want, "\n"); g != w {
				t.Errorf("fields:\n%s\nwant:\n%s", g, w)
			}
		})
	}
}

func TestArgsAndDecl(t *testing.T) {
	ev := parseFile(t, "sys_enter_execve.format", "syscalls", "sys_enter_execve")
	var b strings.Builder
	writeArgs(&b, ev)
	want := "    int __syscall_nr\n    const char * filename\n    const char *const * argv\n    const char *const * envp\n"
	if b.String() != want {
		t.Errorf("args:\n%s\nwant:\n%s", b.String(), want)
	}
	if f := ev.Field("argv"); f == nil || f.Offset != 24 {
		t.Errorf("Field(argv) = %+v", f)
	}
	if ev.Field("nope") != nil {
		t.Error("Field(nope) found something")
	}
}

func TestParseFormatErrors(t *testing.T) {
	for _, in := range []string{
		"",
		"name: x\nID: zz\n",
		"format:\n\tfield:int;\toffset:0;\tsize:4;\tsigned:1;\n",
		"format:\n\tfield:int x;\toffset:zero;\tsize:4;\tsigned:1;\n",
		"format:\n\tfield:int x;\tsize:4;\tsigned:1;\n",
	} {
		if ev, err := ParseFormat(strings.NewReader(in), "g", "e"); err == nil {
			t.Errorf("ParseFormat(%q) = %+v, want error", in, ev)
		}
	}
}

func TestCType(t *testing.T) {
	tests := []struct {
		ctype  string
		size   int
		signed bool
		want   string
	}{
		{"int", 8, false, "int32"}, // syscall args: int in an 8-byte slot
		{"unsigned long", 8, false, "uint64"},
		{"size_t", 8, false, "uint64"},
		{"umode_t", 8, false, "uint16"},
		{"dev_t", 4, false, "uint32"},
		{"gfp_t", 4, false, "uint32"},
		{"__u64", 8, false, "uint64"},
		{"u32", 4, false, "uint32"},
		{"long", 4, true, "int32"}, // the record is narrower than the type: trust the record
		{"some_new_t", 8, true, "int64"},
		{"some_new_t", 1, false, "uint8"},
		{"const volatile unsigned int", 4, false, "uint32"},
		{"const struct iovec *", 8, false, "kernel(struct iovec)*"},
		{"int *", 8, false, "kernel(int32)*"},
		{"fd_set *", 8, false, "kernel(void)*"},
	}
	for _, tt := range tests {
		if got := typeString(CType(tt.ctype, tt.size, tt.signed, false)); got != tt.want {
			t.Errorf("CType(%q, %d, %v) = %s, want %s", tt.ctype, tt.size, tt.signed, got, tt.want)
		}
	}
}

// Every tracepoint of the running kernel parses, and every field gets a
// type of its size or smaller.
func TestFormatLive(t *testing.T) {
	requireTracefs(t)
	events, err := Events("*:*")
	if err != nil {
		t.Fatal(err)
	}
	if len(events) < 10 {
		t.Fatalf("only %d tracepoints", len(events))
	}
	for _, e := range events {
		group, name, _ := strings.Cut(e, ":")
		ev, err := Format(group, name)
		if err != nil {
			t.Errorf("Format(%s): %v", e, err)
			continue
		}
		for _, f := range ev.Fields {
			if f.Type == nil {
				t.Errorf("%s.%s: no type", e, f.Name)
			} else if !f.DataLoc && f.Type.Size > f.Size {
				t.Errorf("%s.%s: type %s is larger than the field's %d bytes", e, f.Name, f.Type, f.Size)
			}
		}
	}

	ev, err := Format("syscalls", "sys_enter_openat")
	if err != nil {
		t.Fatal(err)
	}
	fn := ev.Field("filename")
	if fn == nil || fn.Type.Kind != types.Pointer || !fn.Type.User {
		t.Errorf("sys_enter_openat filename = %+v, want a user pointer", fn)
	}
	if len(ev.Args()) != 5 {
		t.Errorf("sys_enter_openat has %d args, want 5", len(ev.Args()))
	}
}

func TestFormatMissing(t *testing.T) {
	requireTracefs(t)
	_, err := Format("syscalls", "sys_enter_nope")
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("err = %v, want a does-not-exist error", err)
	}
	if _, err := Format("..", "x"); err == nil {
		t.Error("Format(..) succeeded")
	}
}

func requireTracefs(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("reading tracefs needs root")
	}
	if _, err := Mount(); err != nil {
		t.Skipf("no tracefs: %v", err)
	}
}
