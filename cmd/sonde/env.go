package main

import (
	"os/user"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"sonde/compiler"
	kbtf "sonde/kernel/btf"
	"sonde/kernel/usym"
	"sonde/runtime/ksym"
	"sonde/runtime/output"
	"sonde/types"
)

// lazyBTF opens kernel BTF on first use, so scripts that need no kernel
// types never pay for parsing it.
type lazyBTF struct {
	once sync.Once
	k    *kbtf.Kernel
}

func newLazyBTF() *lazyBTF { return &lazyBTF{} }

func (l *lazyBTF) kernel() *kbtf.Kernel {
	l.once.Do(func() { l.k = kbtf.New() })
	return l.k
}

func (l *lazyBTF) Type(name string) (*types.Type, error) { return l.kernel().Type(name) }
func (l *lazyBTF) Field(t *types.Type, name string) (types.Field, error) {
	return l.kernel().Field(t, name)
}
func (l *lazyBTF) EnumValue(name string) (int64, *types.Type, bool) {
	return l.kernel().EnumValue(name)
}

// symbolizer resolves kernel addresses from kallsyms and user addresses
// from the process's mappings.
type symbolizer struct {
	once sync.Once
	user *usym.Symbolizer
}

func (s *symbolizer) KernelSym(addr uint64) (string, uint64, bool) { return ksym.Lookup(addr) }

func (s *symbolizer) UserSym(pid uint32, addr uint64) (string, uint64, bool) {
	s.once.Do(func() { s.user = usym.NewSymbolizer() })
	name, off, _, ok := s.user.Symbolize(int(pid), addr)
	return name, off, ok
}

func newEnv(spec *compiler.Spec, opts *options) *output.Env {
	env := output.DefaultEnv()
	env.Sym = &symbolizer{}
	env.BootTime = bootTime()
	env.TruncTrailer = spec.Plan.Config.StrTruncTrailer
	probes := spec.Plan.Probes
	env.ProbeName = func(id uint64) string {
		if id < uint64(len(probes)) {
			return probes[id].Name
		}
		return strconv.FormatUint(id, 10)
	}
	env.SyscallName = output.SyscallNameOf
	env.UserName = func(uid uint64) string {
		if u, err := user.LookupId(strconv.FormatUint(uid, 10)); err == nil {
			return u.Username
		}
		return strconv.FormatUint(uid, 10)
	}
	return env
}

// bootTime is the wall-clock time at which the boot clock read zero.
func bootTime() time.Time {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts); err != nil {
		return time.Time{}
	}
	return time.Now().Add(-time.Duration(ts.Nano()))
}
