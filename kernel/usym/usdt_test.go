package usym

import (
	"bytes"
	"os"
	"reflect"
	"testing"
)

func TestParseUSDTArg(t *testing.T) {
	for _, tc := range []struct {
		spec string
		want USDTArg
	}{
		{"-4@%edi", USDTArg{Size: 4, Signed: true, Kind: ArgReg, Reg: "di"}},
		{"8@%rax", USDTArg{Size: 8, Kind: ArgReg, Reg: "ax"}},
		{"-8@%rax", USDTArg{Size: 8, Signed: true, Kind: ArgReg, Reg: "ax"}},
		{"1@%sil", USDTArg{Size: 1, Kind: ArgReg, Reg: "si"}},
		{"2@%r9w", USDTArg{Size: 2, Kind: ArgReg, Reg: "r9"}},
		{"%r12d", USDTArg{Size: 4, Kind: ArgReg, Reg: "r12"}},
		{"8@-16(%rbp)", USDTArg{Size: 8, Kind: ArgMem, Reg: "bp", Offset: -16}},
		{"-4@(%rsp)", USDTArg{Size: 4, Signed: true, Kind: ArgMem, Reg: "sp"}},
		{"4@$5", USDTArg{Size: 4, Kind: ArgConst, Const: 5}},
		{"-4@$-1", USDTArg{Size: 4, Signed: true, Kind: ArgConst, Const: -1}},
		{"8@8(%rax,%rdx,8)", USDTArg{Size: 8, Kind: ArgMem, Reg: "ax", Offset: 8, IndexReg: "dx", Scale: 8}},
		{"-8@(%rsi,%rdx,8)", USDTArg{Size: 8, Signed: true, Kind: ArgMem, Reg: "si", IndexReg: "dx", Scale: 8}},
		{"8@(,%rcx,4)", USDTArg{Size: 8, Kind: ArgMem, IndexReg: "cx", Scale: 4}},
		{"-8@counter(%rip)", USDTArg{Size: 8, Signed: true, Kind: ArgMem, Reg: "ip", Symbol: "counter"}},
		{"4@table+12(%rip)", USDTArg{Size: 4, Kind: ArgMem, Reg: "ip", Symbol: "table", Offset: 12}},
	} {
		got, err := ParseUSDTArg(tc.spec)
		if err != nil || got != tc.want {
			t.Errorf("ParseUSDTArg(%q) = %+v, %v; want %+v", tc.spec, got, err, tc.want)
		}
	}
	for _, bad := range []string{"3@%edi", "8@%xyz", "8@$x", "8@-16(%rbp", "8@(%rax,%rdx,3)", "8@(%al)", "8@", "x@%rax", "1@%ah"} {
		if a, err := ParseUSDTArg(bad); err == nil {
			t.Errorf("ParseUSDTArg(%q) = %+v; want an error", bad, a)
		}
	}
	args, err := ParseUSDTArgs("-4@%edi 8@-16(%rbp) 4@$5 -8@%rax 8@8(%rax,%rdx,8)")
	if err != nil || len(args) != 5 || args[3].Reg != "ax" {
		t.Errorf("ParseUSDTArgs = %+v, %v", args, err)
	}
}

func TestPtRegsOffset(t *testing.T) {
	for reg, want := range map[string]int{
		"r15": 0, "bp": 32, "rbp": 32, "ax": 80, "eax": 80, "al": 80,
		"di": 112, "rdi": 112, "edi": 112, "dil": 112, "r8d": 72,
		"orig_ax": 120, "ip": 128, "rip": 128, "flags": 144, "sp": 152, "ss": 160,
	} {
		if got, ok := PtRegsOffset(reg); !ok || got != want {
			t.Errorf("PtRegsOffset(%q) = %d, %v; want %d", reg, got, ok, want)
		}
	}
	if _, ok := PtRegsOffset("xmm0"); ok {
		t.Error("xmm0 has a pt_regs slot")
	}
}

func TestUSDTProbes(t *testing.T) {
	path := usdtTarget(t)
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	probes, err := f.USDTProbes()
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]USDTProbe{}
	for _, p := range probes {
		if p.Provider != "sonde" {
			t.Errorf("provider %q", p.Provider)
		}
		byName[p.Name] = p
	}
	if len(byName) != 3 {
		t.Fatalf("probes: %+v", probes)
	}
	secs := readelfSections(t, path)
	data, _ := os.ReadFile(path)
	for _, p := range probes {
		// The probe site is a nop, found at its file offset.
		if off, _ := f.FileOffset(p.PC); off != p.FileOffset || data[off] != 0x90 {
			t.Errorf("%s: pc %#x file offset %#x (byte %#x); want a nop", p.Name, p.PC, p.FileOffset, data[p.FileOffset])
		}
		if p.ArgErr != nil {
			t.Errorf("%s: %v", p.Name, p.ArgErr)
		}
	}

	plain := byName["plain"]
	if plain.Semaphore != 0 || plain.SemaphoreOffset != 0 {
		t.Errorf("plain has a semaphore: %+v", plain)
	}
	if len(plain.Args) != 2 || plain.Args[0] != (USDTArg{Size: 4, Signed: true, Kind: ArgReg, Reg: "di"}) || plain.Args[1].Size != 8 {
		t.Errorf("plain args %q → %+v", plain.ArgSpec, plain.Args)
	}

	guarded := byName["guarded"]
	probesSec := secs[".probes"]
	if guarded.Semaphore != probesSec[0] || guarded.SemaphoreOffset != probesSec[1] {
		t.Errorf("guarded semaphore %#x at file offset %#x; .probes is at %#x, file offset %#x",
			guarded.Semaphore, guarded.SemaphoreOffset, probesSec[0], probesSec[1])
	}
	want := []kindSize{{ArgReg, 4}, {ArgConst, 4}, {ArgMem, 8}}
	if got := kindSizes(guarded.Args); !reflect.DeepEqual(got, want) {
		t.Errorf("guarded args %q → %+v", guarded.ArgSpec, guarded.Args)
	}
	if a := guarded.Args[1]; a.Const != 5 {
		t.Errorf("guarded constant arg = %+v", a)
	}

	global := byName["global"]
	if a := global.Args; len(a) != 1 || a[0].Kind != ArgMem || a[0].Reg != "ip" || a[0].Symbol != "counter" {
		t.Errorf("global args %q → %+v", global.ArgSpec, global.Args)
	}

	if got := f.MatchUSDT("sonde:g*"); len(got) != 2 {
		t.Errorf("MatchUSDT(sonde:g*) = %d probes", len(got))
	}
	if got := f.MatchUSDT("plain"); len(got) != 1 {
		t.Errorf("MatchUSDT(plain) = %d probes", len(got))
	}
	if got := f.MatchUSDT("other:*"); len(got) != 0 {
		t.Errorf("MatchUSDT(other:*) = %d probes", len(got))
	}
}

type kindSize struct {
	Kind USDTArgKind
	Size int
}

func kindSizes(args []USDTArg) []kindSize {
	var out []kindSize
	for _, a := range args {
		out = append(out, kindSize{a.Kind, a.Size})
	}
	return out
}

func TestListUSDT(t *testing.T) {
	path := usdtTarget(t)
	var buf bytes.Buffer
	if err := ListUSDT(&buf, path, "*"); err != nil {
		t.Fatal(err)
	}
	want := "usdt:" + path + ":sonde:global\n" +
		"usdt:" + path + ":sonde:guarded\n" +
		"usdt:" + path + ":sonde:plain\n"
	if buf.String() != want {
		t.Errorf("ListUSDT:\n%s\nwant:\n%s", buf.String(), want)
	}
	buf.Reset()
	ListUSDT(&buf, path, "glob*")
	if buf.String() != "usdt:"+path+":sonde:global\n" {
		t.Errorf("ListUSDT(glob*) = %q", buf.String())
	}
}
