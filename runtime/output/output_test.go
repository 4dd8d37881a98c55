package output

import (
	"errors"
	"testing"

	"sonde/types"
)

type fakeSyms struct{}

func (fakeSyms) KernelSym(addr uint64) (string, uint64, bool) {
	if addr >= 0xffffffff81000000 && addr < 0xffffffff81001000 {
		return "do_sys_open", addr - 0xffffffff81000000, true
	}
	return "", 0, false
}

func (fakeSyms) UserSym(pid uint32, addr uint64) (string, uint64, bool) {
	if pid == 42 && addr >= 0x1000 && addr < 0x2000 {
		return "main", addr - 0x1000, true
	}
	return "", 0, false
}

func TestStacksAndSymbols(t *testing.T) {
	env := DefaultEnv()
	env.Sym = fakeSyms{}
	env.StackFrames = func(m string, id uint64) ([]uint64, error) {
		if m != "stack_k" || id != 7 {
			return nil, errors.New("no such stack")
		}
		return []uint64{0xffffffff81000010, 0xffffffff82000000, 0, 0xdead}, nil
	}
	kstack := func(mode types.StackMode) *types.Type {
		return &types.Type{Kind: types.KStack, Size: 8, StackMode: mode, StackLimit: 127, StackMap: "stack_k"}
	}
	for _, c := range []struct {
		v    Value
		want string
	}{
		{KSym(0xffffffff81000010), "do_sys_open"},
		{KSym(0xffffffff82000000), "0xffffffff82000000"},
		{USym{Addr: 0x1004, PID: 42}, "main"},
		{USym{Addr: 0x1004, PID: 1}, "0x1004"},
		{Stack{ID: 7, Type: kstack(types.StackBpftrace)}, "\n        do_sys_open+16\n        0xffffffff82000000\n"},
		{Stack{ID: 7, Type: kstack(types.StackPerf)}, "\n\tffffffff81000010 do_sys_open+16\n\tffffffff82000000 0xffffffff82000000\n"},
		{Stack{ID: 7, Type: kstack(types.StackRaw)}, "\nffffffff81000010\nffffffff82000000\n"},
		{Stack{ID: 8, Type: kstack(types.StackBpftrace)}, ""},
	} {
		if got := TextString(c.v, env); got != c.want {
			t.Errorf("%#v: got %q, want %q", c.v, got, c.want)
		}
	}
}
