package main

import (
	"os/user"
	"strconv"
	"strings"
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
// types never pay for parsing it, and answers from the on-disk cache of
// earlier answers (btfcache.go) before that.
type lazyBTF struct {
	once      sync.Once
	k         *kbtf.Kernel
	cacheOnce sync.Once
	cache     *btfCache
}

func newLazyBTF() *lazyBTF { return &lazyBTF{} }

func (l *lazyBTF) kernel() *kbtf.Kernel {
	l.once.Do(func() { l.k = kbtf.New() })
	return l.k
}

func (l *lazyBTF) cached() *btfCache {
	l.cacheOnce.Do(func() { l.cache = openBTFCache() })
	return l.cache
}

// saveCache writes what this run learned from BTF.
func (l *lazyBTF) saveCache() {
	if l.k != nil {
		l.cached().save()
	}
}

// cacheable reports whether a struct can be found again by its name.
func cacheable(name string) bool { return name != "" && !strings.Contains(name, "(anon)") }

func (l *lazyBTF) Type(name string) (*types.Type, error) {
	if t, ok := l.cached().typ(name); ok {
		return t, nil
	}
	t, err := l.kernel().Type(name)
	if err == nil && cacheable(name) {
		l.cached().putType(name, t)
	}
	return t, err
}

func (l *lazyBTF) Field(t *types.Type, name string) (types.Field, error) {
	if t != nil && t.Kind == types.Struct {
		full := t
		if t.Fields == nil && cacheable(t.Name) {
			if ct, ok := l.cached().typ(t.Name); ok {
				full = ct
			}
		}
		for _, f := range full.Fields {
			if f.Name == name {
				return f, nil
			}
		}
	}
	// Not known here (or an error, whose did-you-mean BTF computes).
	f, err := l.kernel().Field(t, name)
	if err == nil && t.Fields == nil && cacheable(t.Name) {
		if full, err := l.kernel().Type(t.Name); err == nil {
			l.cached().putType(t.Name, full)
		}
	}
	return f, err
}

func (l *lazyBTF) EnumValue(name string) (int64, *types.Type, bool) {
	if e, ok := l.cached().enum(name); ok {
		return e.Value, e.Type, true
	}
	v, t, ok := l.kernel().EnumValue(name)
	if ok {
		l.cached().putEnum(name, cachedEnum{Value: v, Type: t})
	}
	return v, t, ok
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
