package kbtf

import (
	"bytes"
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"sonde/types"
)

func TestLiveFunc(t *testing.T) {
	k, _ := liveKernel(t)
	fp, err := k.Func("vfs_read")
	if err != nil {
		t.Fatal(err)
	}
	var names, ctypes []string
	for _, p := range fp.Params {
		names = append(names, p.Name)
		ctypes = append(ctypes, p.CType)
	}
	if !slices.Equal(names, []string{"file", "buf", "count", "pos"}) ||
		!slices.Equal(ctypes, []string{"struct file *", "char *", "size_t", "loff_t *"}) {
		t.Errorf("vfs_read params %q %q", names, ctypes)
	}
	if p := fp.Params[0].Type; p.Kind != types.Pointer || p.Elem.Name != "struct file" || p.Elem.Fields != nil {
		t.Errorf("file = %s, want a pointer to a struct file stub", p)
	}
	if !types.Equal(fp.Params[2].Type, types.Uint64) || !types.Equal(fp.Return, types.Int64) || fp.ReturnCType != "ssize_t" {
		t.Errorf("count = %s, return = %s (%s)", fp.Params[2].Type, fp.Return, fp.ReturnCType)
	}
	var buf bytes.Buffer
	k.ListFuncArgs(&buf, fp)
	want := "    struct file * file\n    char * buf\n    size_t count\n    loff_t * pos\n    ssize_t retval\n"
	if buf.String() != want {
		t.Errorf("ListFuncArgs:\n%s", buf.String())
	}
	var nf *NotFoundError
	if _, err := k.Func("vfs_raed"); !errors.As(err, &nf) || !slices.Contains(nf.Candidates, "vfs_read") {
		t.Errorf("Func(vfs_raed) = %v (%v)", err, nf)
	}
}

func TestLiveRawTracepoint(t *testing.T) {
	k, _ := liveKernel(t)
	rt, err := k.RawTracepoint("sched_switch")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range rt.Params {
		names = append(names, p.Name)
	}
	if !slices.Equal(names, []string{"preempt", "prev", "next", "prev_state"}) {
		t.Errorf("sched_switch args %q", names)
	}
	if !types.Equal(rt.Params[0].Type, types.BoolT) || rt.Params[1].Type.Elem.Name != "struct task_struct" {
		t.Errorf("sched_switch types %s %s", rt.Params[0].Type, rt.Params[1].Type)
	}
	tps, err := k.RawTracepoints("sched_sw*")
	if err != nil || !slices.Contains(tps, "sched_switch") {
		t.Errorf("RawTracepoints = %q, %v", tps, err)
	}
	fns, err := k.Functions("vfs_*")
	if err != nil || !slices.Contains(fns, "vfs_read") || !slices.IsSorted(fns) {
		t.Errorf("Functions = %d names, %v", len(fns), err)
	}
	var nf *NotFoundError
	if _, err := k.RawTracepoint("sched_swtich"); !errors.As(err, &nf) || !slices.Contains(nf.Candidates, "sched_switch") {
		t.Errorf("RawTracepoint(sched_swtich) = %v", err)
	}
}

// TestLiveListStructMatchesBpftrace compares against the installed
// bpftrace, which prints libbpf's btf_dump output.
func TestLiveListStructMatchesBpftrace(t *testing.T) {
	k, _ := liveKernel(t)
	bt, err := exec.LookPath("bpftrace")
	if err != nil {
		t.Skip("bpftrace is not installed")
	}
	for _, name := range []string{"struct task_struct", "struct sk_buff", "struct qstr", "struct sock"} {
		want, err := exec.Command(bt, "-lv", name).Output()
		if err != nil || !strings.HasPrefix(string(want), name+" {") {
			t.Logf("bpftrace -lv %q: %v", name, err)
			continue
		}
		var got bytes.Buffer
		if err := k.ListStruct(&got, name); err != nil {
			t.Fatal(err)
		}
		if got.String() != string(want) {
			t.Errorf("ListStruct(%s) differs from bpftrace:\n%s", name, firstDiff(got.String(), string(want)))
		}
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return "line " + al[i] + "\n want " + bl[i]
		}
	}
	return "length differs"
}
