package kbtf

import (
	"errors"
	"os"
	"testing"

	"github.com/cilium/ebpf/btf"

	"sonde/types"
)

// liveKernel returns a Kernel over the running kernel's BTF and its cilium
// spec, skipping the test when the kernel has none.
func liveKernel(t testing.TB) (*Kernel, *btf.Spec) {
	t.Helper()
	if _, err := os.Stat("/sys/kernel/btf/vmlinux"); err != nil {
		t.Skip("no kernel BTF: /sys/kernel/btf/vmlinux is missing")
	}
	t.Setenv("BPFTRACE_BTF", "")
	k := New()
	spec, err := k.Spec()
	if err != nil {
		t.Fatal(err)
	}
	return k, spec
}

func mustField(t *testing.T, k *Kernel, typ *types.Type, name string) types.Field {
	t.Helper()
	f, err := k.Field(typ, name)
	if err != nil {
		t.Fatalf("Field(%s, %s): %v", typ.Name, name, err)
	}
	return f
}

// btfOffset is the byte offset of a member as cilium reports it.
func btfOffset(t *testing.T, spec *btf.Spec, structName, member string) int {
	t.Helper()
	var s *btf.Struct
	if err := spec.TypeByName(structName, &s); err != nil {
		t.Fatal(err)
	}
	if off, ok := memberOffset(s.Members, member); ok {
		return off
	}
	t.Fatalf("struct %s has no %s in BTF", structName, member)
	return 0
}

func TestLiveTaskStruct(t *testing.T) {
	k, spec := liveKernel(t)
	task, err := k.Type("struct task_struct")
	if err != nil {
		t.Fatal(err)
	}
	if task.Kind != types.Struct || task.Name != "struct task_struct" || task.Size < 1000 {
		t.Fatalf("task_struct = %+v", task)
	}
	pid := mustField(t, k, task, "pid")
	if !types.Equal(pid.Type, types.Int32) || pid.Offset != btfOffset(t, spec, "task_struct", "pid") {
		t.Errorf("pid = %+v (%s), want int32 at %d", pid, pid.Type, btfOffset(t, spec, "task_struct", "pid"))
	}
	comm := mustField(t, k, task, "comm")
	if comm.Type.Kind != types.Array || comm.Type.Len != 16 || !types.Equal(comm.Type.Elem, types.Int8) {
		t.Errorf("comm = %s, want int8[16]", comm.Type)
	}
	rp := mustField(t, k, task, "real_parent")
	if rp.Type.Kind != types.Pointer || rp.Type.Elem == nil || rp.Type.Elem.Name != "struct task_struct" {
		t.Fatalf("real_parent = %s", rp.Type)
	}
	if stub := rp.Type.Elem; stub.Fields != nil || stub.Size != task.Size {
		t.Errorf("real_parent's pointee is not a shallow stub: %d fields, size %d", len(stub.Fields), stub.Size)
	}
	full, err := k.Complete(rp.Type.Elem)
	if err != nil || full != task {
		t.Errorf("Complete(stub) = %p, %v; want the cached task_struct %p", full, err, task)
	}
	if again, _ := k.Type("struct task_struct"); again != task {
		t.Error("Type is not cached")
	}
	if f := mustField(t, k, rp.Type.Elem, "tgid"); f.Offset != btfOffset(t, spec, "task_struct", "tgid") {
		t.Errorf("Field through stub: tgid at %d", f.Offset)
	}
}

func TestLiveDidYouMean(t *testing.T) {
	k, _ := liveKernel(t)
	task, _ := k.Type("struct task_struct")
	_, err := k.Field(task, "pidd")
	var nf *NotFoundError
	if !errors.As(err, &nf) || !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
	if got := err.Error(); got != `struct task_struct has no field "pidd"` {
		t.Errorf("Error() = %q", got)
	}
	if len(nf.Candidates) == 0 || nf.Candidates[0] != "pid" {
		t.Errorf("Candidates = %q", nf.Candidates)
	}
	if h := nf.Hint(); h == "" {
		t.Error("no hint")
	}
	_, err = k.Type("struct task_strct")
	if !errors.As(err, &nf) || len(nf.Candidates) == 0 || nf.Candidates[0] != "struct task_struct" {
		t.Errorf("unknown struct: %v %+v", err, nf)
	}
	_, err = k.Type("task_struct")
	if !errors.As(err, &nf) || len(nf.Candidates) != 1 || nf.Candidates[0] != "struct task_struct" {
		t.Errorf("missing struct keyword: %v", err)
	}
}

func TestLiveNestedPath(t *testing.T) {
	k, spec := liveKernel(t)
	file, err := k.Type("struct file")
	if err != nil {
		t.Fatal(err)
	}
	fpath := mustField(t, k, file, "f_path")
	if fpath.Type.Name != "struct path" || fpath.Type.Fields == nil {
		t.Fatalf("f_path = %s (embedded structs must be complete)", fpath.Type)
	}
	dentry := mustField(t, k, fpath.Type, "dentry")
	if dentry.Type.Kind != types.Pointer || dentry.Type.Elem.Name != "struct dentry" {
		t.Fatalf("dentry = %s", dentry.Type)
	}
	dname := mustField(t, k, dentry.Type.Elem, "d_name")
	name := mustField(t, k, dname.Type, "name")
	if name.Type.Kind != types.Pointer || !types.Equal(name.Type.Elem, types.Uint8) {
		t.Errorf("d_name.name = %s, want uint8 *", name.Type)
	}
	// struct qstr's hash and len sit in an anonymous struct in an
	// anonymous union: flattened.
	if l := mustField(t, k, dname.Type, "len"); l.Offset != 4 {
		t.Errorf("qstr.len at %d", l.Offset)
	}
	off, err := k.Offsetof(file, []string{"f_path", "dentry"})
	if want := btfOffset(t, spec, "file", "f_path") + btfOffset(t, spec, "path", "dentry"); err != nil || off != want {
		t.Errorf("offsetof(struct file, f_path.dentry) = %d, %v; want %d", off, err, want)
	}
	if _, err := k.Offsetof(file, []string{"f_path", "dentry", "d_name"}); err == nil {
		t.Error("offsetof through a pointer must fail")
	}
}

func TestLiveTypedefs(t *testing.T) {
	k, _ := liveKernel(t)
	for name, want := range map[string]*types.Type{
		"u32": types.Uint32, "pid_t": types.Int32, "uint64_t": types.Uint64, "size_t": types.Uint64,
		"int": types.Int32, "unsigned long": types.Uint64, "char": types.Int8, "bool": types.BoolT,
		"long unsigned int": types.Uint64, "s8": types.Int8, "loff_t": types.Int64,
	} {
		got, err := k.Type(name)
		if err != nil || !types.Equal(got, want) {
			t.Errorf("Type(%q) = %s, %v; want %s", name, got, err, want)
		}
	}
	p, err := k.Type("struct task_struct *")
	if err != nil || p.Kind != types.Pointer || p.Elem.Name != "struct task_struct" {
		t.Errorf("Type(struct task_struct *) = %s, %v", p, err)
	}
	e, err := k.Type("enum skb_drop_reason")
	if err != nil || e.Kind != types.Enum || e.Enumerators[0] == "" {
		t.Errorf("enum skb_drop_reason = %+v, %v", e, err)
	}
}

func TestLiveBitfields(t *testing.T) {
	k, _ := liveKernel(t)
	skb, err := k.Type("struct sk_buff")
	if err != nil {
		t.Fatal(err)
	}
	base := mustField(t, k, skb, "__cloned_offset")
	cloned := mustField(t, k, skb, "cloned")
	fclone := mustField(t, k, skb, "fclone")
	if cloned.BitSize != 1 || fclone.BitSize != 2 || cloned.Offset != base.Offset || fclone.BitOff != cloned.BitOff+2 {
		t.Errorf("cloned = %+v, fclone = %+v (base %d)", cloned, fclone, base.Offset)
	}
}

func TestLiveEnumValue(t *testing.T) {
	k := New()
	if _, err := os.Stat("/sys/kernel/btf/vmlinux"); err != nil {
		t.Skip("no kernel BTF")
	}
	v, et, ok := k.EnumValue("TCP_FIN_WAIT1")
	if !ok || v != 4 || et.Kind != types.Enum || et.Enumerators[4] != "TCP_FIN_WAIT1" {
		t.Errorf("TCP_FIN_WAIT1 = %d, %+v, %v", v, et, ok)
	}
	if v, et, ok := k.EnumValue("SKB_DROP_REASON_NOT_SPECIFIED"); !ok || v != 2 || et.Name != "enum skb_drop_reason" {
		t.Errorf("SKB_DROP_REASON_NOT_SPECIFIED = %d, %v, %v", v, et, ok)
	}
	if _, _, ok := k.EnumValue("TASK_RUNNING"); ok {
		t.Error("TASK_RUNNING is a #define, not an enum")
	}
	if k.loaded {
		t.Error("EnumValue loaded the cilium index")
	}
}

// memberOffset finds a member, looking into anonymous members.
func memberOffset(members []btf.Member, name string) (int, bool) {
	for _, m := range members {
		if m.Name == name {
			return int(m.Offset.Bytes()), true
		}
		if m.Name == "" {
			var inner []btf.Member
			switch x := btf.UnderlyingType(m.Type).(type) {
			case *btf.Struct:
				inner = x.Members
			case *btf.Union:
				inner = x.Members
			}
			if off, ok := memberOffset(inner, name); ok {
				return int(m.Offset.Bytes()) + off, true
			}
		}
	}
	return 0, false
}

func TestLiveSharedCache(t *testing.T) {
	k, spec := liveKernel(t)
	cached, err := k.Cache().Kernel()
	if err != nil || cached != spec {
		t.Errorf("Cache().Kernel() = %p, %v; want the Kernel's spec %p", cached, err, spec)
	}
	if _, err := k.FuncIn("no_such_module", "f"); err == nil {
		t.Error("FuncIn on a missing module succeeded")
	}
}
