package kbtf

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sonde/internal/spell"
	"testing"

	"github.com/cilium/ebpf/btf"

	"sonde/types"
)

// synthBTF builds a small kernel-like BTF blob, so the package is tested
// without a kernel:
//
//	struct node { int id; struct node *next; struct { u32 a; union { u16 b; u8 c; }; };
//	              u8 lo:3, hi:5; char name[8]; void (*fn)(int); };
//	enum { ST_IDLE = 0, ST_BUSY = 1 };  typedef enum { X_A = -1 } xs_t;
//	long vfs_thing(struct node *n, const char *buf);
//	typedef void (*btf_trace_node_event)(void *, struct node *, int);
//	static void __bpf_trace_node_event(void *__data, struct node *n, int why);
func synthBTF(t testing.TB) []byte {
	t.Helper()
	i32 := &btf.Int{Name: "int", Size: 4, Encoding: btf.Signed}
	u32 := &btf.Typedef{Name: "u32", Type: &btf.Int{Name: "unsigned int", Size: 4}}
	u16 := &btf.Int{Name: "short unsigned int", Size: 2}
	u8 := &btf.Typedef{Name: "u8", Type: &btf.Int{Name: "unsigned char", Size: 1}}
	char := &btf.Int{Name: "char", Size: 1, Encoding: btf.Signed}
	long := &btf.Int{Name: "long int", Size: 8, Encoding: btf.Signed}
	node := &btf.Struct{Name: "node", Size: 40}
	inner := &btf.Union{Size: 2, Members: []btf.Member{{Name: "b", Type: u16}, {Name: "c", Type: u8}}}
	anon := &btf.Struct{Size: 8, Members: []btf.Member{
		{Name: "a", Type: u32},
		{Type: inner, Offset: 32},
	}}
	fnptr := &btf.Pointer{Target: &btf.FuncProto{Return: &btf.Void{}, Params: []btf.FuncParam{{Type: i32}}}}
	node.Members = []btf.Member{
		{Name: "id", Type: i32},
		{Name: "next", Type: &btf.Pointer{Target: node}, Offset: 64},
		{Type: anon, Offset: 128},
		{Name: "lo", Type: u8, Offset: 192, BitfieldSize: 3},
		{Name: "hi", Type: u8, Offset: 195, BitfieldSize: 5},
		{Name: "name", Type: &btf.Array{Index: i32, Type: char, Nelems: 8}, Offset: 200},
		{Name: "fn", Type: fnptr, Offset: 256},
	}
	node.Size = 40
	nodePtr := &btf.Pointer{Target: node}
	states := &btf.Enum{Size: 4, Values: []btf.EnumValue{{Name: "ST_IDLE", Value: 0}, {Name: "ST_BUSY", Value: 1}}}
	xs := &btf.Typedef{Name: "xs_t", Type: &btf.Enum{Size: 4, Signed: true,
		Values: []btf.EnumValue{{Name: "X_A", Value: ^uint64(0)}}}}
	fn := &btf.Func{Name: "vfs_thing", Linkage: btf.GlobalFunc, Type: &btf.FuncProto{Return: long, Params: []btf.FuncParam{
		{Name: "n", Type: nodePtr}, {Name: "buf", Type: &btf.Pointer{Target: &btf.Const{Type: char}}},
	}}}
	voidPtr := &btf.Pointer{Target: &btf.Void{}}
	tp := &btf.Typedef{Name: "btf_trace_node_event", Type: &btf.Pointer{Target: &btf.FuncProto{
		Return: &btf.Void{}, Params: []btf.FuncParam{{Type: voidPtr}, {Type: nodePtr}, {Type: i32}}}}}
	tpFn := &btf.Func{Name: "__bpf_trace_node_event", Linkage: btf.StaticFunc, Type: &btf.FuncProto{
		Return: &btf.Void{}, Params: []btf.FuncParam{{Name: "__data", Type: voidPtr}, {Name: "n", Type: nodePtr}, {Name: "why", Type: i32}}}}
	b, err := btf.NewBuilder([]btf.Type{node, states, xs, fn, tp, tpFn}, nil)
	if err != nil {
		t.Fatal(err)
	}
	blob, err := b.Marshal(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return blob
}

func TestSynthStruct(t *testing.T) {
	k := FromBytes(synthBTF(t))
	node, err := k.Type("struct node")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range node.Fields {
		got = append(got, f.Name)
	}
	if want := []string{"id", "next", "a", "b", "c", "lo", "hi", "name", "fn"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("fields = %q, want %q (anonymous members flattened)", got, want)
	}
	check := func(name string, off int, typ *types.Type) {
		t.Helper()
		f, err := k.Field(node, name)
		if err != nil {
			t.Fatal(err)
		}
		if f.Offset != off || !types.Equal(f.Type, typ) {
			t.Errorf("%s = %s at %d, want %s at %d", name, f.Type, f.Offset, typ, off)
		}
	}
	check("id", 0, types.Int32)
	check("a", 16, types.Uint32)
	check("b", 20, types.Uint16)
	check("c", 20, types.Uint8)
	check("name", 25, types.ArrayOf(types.Int8, 8))
	check("fn", 32, types.PointerTo(nil, false))
	lo, _ := k.Field(node, "lo")
	hi, _ := k.Field(node, "hi")
	if lo.Offset != 24 || lo.BitOff != 0 || lo.BitSize != 3 || hi.Offset != 24 || hi.BitOff != 3 || hi.BitSize != 5 {
		t.Errorf("bitfields lo = %+v, hi = %+v", lo, hi)
	}
	next, _ := k.Field(node, "next")
	if next.Type.Elem.Fields != nil || next.Type.Elem.Name != "struct node" || next.Type.Elem.Size != 40 {
		t.Errorf("next's pointee is not a stub: %+v", next.Type.Elem)
	}
	if p, err := k.Type("struct node *"); err != nil || p.Elem != next.Type.Elem {
		t.Errorf("Type(struct node *) points to %p, members to %p: want the same stub", p.Elem, next.Type.Elem)
	}
	if full, err := k.Complete(next.Type.Elem); err != nil || full != node {
		t.Errorf("Complete = %v, %v", full, err)
	}
	if n, err := k.Sizeof(next.Type.Elem); err != nil || n != 40 {
		t.Errorf("Sizeof(stub) = %d, %v", n, err)
	}
	if off, err := k.Offsetof(node, []string{"b"}); err != nil || off != 20 {
		t.Errorf("Offsetof(b) = %d, %v", off, err)
	}
	if _, err := k.Offsetof(node, []string{"lo"}); err == nil {
		t.Error("offsetof a bitfield must fail")
	}
	_, err = k.Field(node, "nam")
	var nf *NotFoundError
	if !errors.As(err, &nf) || nf.Hint() != `did you mean "name"?` {
		t.Errorf("Field(nam) = %v, hint %q", err, nf.Hint())
	}
	if _, err := k.Type("struct nod"); !errors.As(err, &nf) || len(nf.Candidates) == 0 || nf.Candidates[0] != "struct node" {
		t.Errorf("Type(struct nod) = %v", err)
	}
	if _, err := k.Type("union node"); !errors.As(err, &nf) || len(nf.Candidates) == 0 || nf.Candidates[0] != "struct node" {
		t.Errorf("Type(union node) = %v", err)
	}
}

func TestSynthEnums(t *testing.T) {
	k := FromBytes(synthBTF(t))
	v, et, ok := k.EnumValue("ST_BUSY")
	if !ok || v != 1 || et.Kind != types.Enum || et.Enumerators[0] != "ST_IDLE" {
		t.Errorf("ST_BUSY = %d, %+v, %v", v, et, ok)
	}
	if v, et, ok := k.EnumValue("X_A"); !ok || v != -1 || !et.Signed {
		t.Errorf("X_A = %d, %+v, %v", v, et, ok)
	}
	if _, _, ok := k.EnumValue("ST_NONE"); ok {
		t.Error("ST_NONE found")
	}
	xs, err := k.Type("xs_t")
	if err != nil || xs.Kind != types.Enum || xs.Name != "xs_t" || !xs.Signed {
		t.Errorf("xs_t = %+v, %v", xs, err)
	}
}

func TestSynthFuncs(t *testing.T) {
	k := FromBytes(synthBTF(t))
	if fns, err := k.Functions("vfs_*"); err != nil || !reflect.DeepEqual(fns, []string{"vfs_thing"}) {
		t.Errorf("Functions = %q, %v", fns, err)
	}
	if k.loaded {
		t.Error("Functions loaded the cilium index; listing needs only the raw walk")
	}
	fp, err := k.Func("vfs_thing")
	if err != nil {
		t.Fatal(err)
	}
	if len(fp.Params) != 2 || fp.Params[0].Name != "n" || fp.Params[0].CType != "struct node *" ||
		fp.Params[1].CType != "const char *" || !types.Equal(fp.Params[1].Type, types.PointerTo(types.Int8, false)) ||
		!types.Equal(fp.Return, types.Int64) || fp.ReturnCType != "long int" {
		t.Errorf("vfs_thing = %+v", fp)
	}
	var nf *NotFoundError
	if _, err := k.Func("vfs_thin"); !errors.As(err, &nf) || nf.Hint() != `did you mean "vfs_thing"?` {
		t.Errorf("Func(vfs_thin) = %v", err)
	}
	rt, err := k.RawTracepoint("node_event")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	k.ListFuncArgs(&buf, rt)
	if want := "    struct node * n\n    int why\n"; buf.String() != want {
		t.Errorf("raw tracepoint args:\n%s\nwant:\n%s", buf.String(), want)
	}
	if tps, err := k.RawTracepoints("*"); err != nil || !reflect.DeepEqual(tps, []string{"node_event"}) {
		t.Errorf("RawTracepoints = %q, %v", tps, err)
	}
	if ts, err := k.Types("*"); err != nil || !reflect.DeepEqual(ts, []string{"struct node"}) {
		t.Errorf("Types = %q, %v", ts, err)
	}
}

func TestSynthListStruct(t *testing.T) {
	k := FromBytes(synthBTF(t))
	var buf bytes.Buffer
	if err := k.ListStruct(&buf, "struct node"); err != nil {
		t.Fatal(err)
	}
	want := `struct node {
	int id;
	struct node *next;
	struct {
		u32 a;
		union {
			short unsigned int b;
			u8 c;
		};
	};
	u8 lo: 3;
	u8 hi: 5;
	char name[8];
	void (*fn)(int);
};

`
	if buf.String() != want {
		t.Errorf("ListStruct:\n%s\nwant:\n%s", buf.String(), want)
	}
}

func TestOpenFileAndEnv(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vmlinux.btf")
	if err := os.WriteFile(path, synthBTF(t), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("BPFTRACE_BTF", path)
	k := New()
	if k.loaded {
		t.Fatal("New read BTF")
	}
	if _, err := k.Type("struct node"); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing")).Type("u32"); !errors.Is(err, ErrNoBTF) {
		t.Errorf("missing file: %v", err)
	}
	// C base types need no BTF at all.
	if typ, err := Open("/nonexistent").Type("unsigned long"); err != nil || !types.Equal(typ, types.Uint64) {
		t.Errorf("unsigned long = %v, %v", typ, err)
	}
}

func TestBaseType(t *testing.T) {
	for name, want := range map[string]*types.Type{
		"int": types.Int32, "unsigned": types.Uint32, "short": types.Int16, "unsigned char": types.Uint8,
		"long long": types.Int64, "long unsigned int": types.Uint64, "signed char": types.Int8,
		"_Bool": types.BoolT, "void": types.VoidT,
	} {
		if got, ok := baseType(name); !ok || !types.Equal(got, want) {
			t.Errorf("baseType(%q) = %s, %v", name, got, ok)
		}
	}
	for _, name := range []string{"u32", "long char", "unsigned float", "long long long"} {
		if _, ok := baseType(name); ok {
			t.Errorf("baseType(%q) accepted", name)
		}
	}
}

func TestSuggest(t *testing.T) {
	names := []string{"pid", "tgid", "pids", "comm", "prio", "real_parent"}
	if got := suggest("pidd", names); !reflect.DeepEqual(got, []string{"pid", "pids"}) {
		t.Errorf("suggest(pidd) = %q", got)
	}
	if got := suggest("real_prent", names); !reflect.DeepEqual(got, []string{"real_parent"}) {
		t.Errorf("suggest(real_prent) = %q", got)
	}
	if got := suggest("zzzz", names); got != nil {
		t.Errorf("suggest(zzzz) = %q", got)
	}
	if d := spell.EditDistance("abcd", "abdc", 3); d != 1 {
		t.Errorf("transposition distance = %d", d)
	}
}
