package host

import (
	"sonde/plan"

	"fmt"
	"os"
	"os/user"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

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

func (s *symbolizer) users() *usym.Symbolizer {
	s.once.Do(func() { s.user = usym.NewSymbolizer() })
	return s.user
}

func (s *symbolizer) UserSym(pid uint32, addr uint64) (string, uint64, bool) {
	name, off, _, ok := s.users().Symbolize(int(pid), addr)
	return name, off, ok
}

// frames symbolizes a user stack in one go (kernel stacks fall back to
// Sym): "name+off", or 0xADDR where no symbol is known.
func (s *symbolizer) frames(kernel bool, pid uint32, addrs []uint64) []string {
	if kernel {
		return nil
	}
	u := s.users()
	out := make([]string, len(addrs))
	for i, a := range addrs {
		name, off, _, ok := u.Symbolize(int(pid), a)
		if ok {
			out[i] = name + "+" + strconv.FormatUint(off, 10)
		} else {
			out[i] = "0x" + strconv.FormatUint(a, 16)
		}
	}
	return out
}

// module names the file mapped at a user address, as perf-mode stacks
// print it.
func (s *symbolizer) module(pid uint32, addr uint64) string {
	if _, _, mod, _ := s.users().Symbolize(int(pid), addr); mod != "" {
		return mod
	}
	return "[unknown]"
}

// A watched process's mappings are re-read every watchFirst at first (a
// short-lived command is over in milliseconds), backing off to every
// watchMax (a long-lived one changes its mappings rarely, and reading
// them is not free for a process with many).
const (
	watchFirst = 5 * time.Millisecond
	watchMax   = time.Second
)

// watch keeps the mappings of the traced process (-c or -p) fresh while it
// runs, so its addresses still resolve after it exits: user stacks and
// symbols of a short-lived command are often printed after it is gone.
// It stops when the process is gone or stop is closed. A -c child is
// still sonde's holder when the watch starts (child): it is watched
// closely until it has become the command and a while after.
// WatchProcess keeps the user symbols of process pid (the -c command when
// child) fresh while it runs, so its stacks symbolize after it exits.
func WatchProcess(env *output.Env, pid int, child bool, stop <-chan struct{}) {
	if s, ok := env.Sym.(*symbolizer); ok {
		s.watch(pid, child, stop)
	}
}

func (s *symbolizer) watch(pid int, child bool, stop <-chan struct{}) {
	u := s.users()
	exePath := fmt.Sprintf("/proc/%d/exe", pid)
	holder, _ := os.Readlink(exePath)
	go func() {
		d := watchFirst
		t := time.NewTimer(d)
		defer t.Stop()
		for {
			// The holder's mappings are sonde's own: never keep them as
			// the command's, whose frames they would misname.
			if e, _ := os.Readlink(exePath); !child || e != holder {
				if !u.Refresh(pid) {
					return
				}
				d = min(2*d, watchMax)
			} else if _, err := os.Stat(exePath); err != nil {
				return
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
			t.Reset(d)
		}
	}()
}

// RefreshProcess reads process pid's mappings into env's user symbolizer
// now; runtime.StartChild calls it while the -c command is held at its
// exec and at its exit, so the command's stacks always symbolize.
func RefreshProcess(env *output.Env, pid int) {
	if s, ok := env.Sym.(*symbolizer); ok {
		s.users().Refresh(pid)
	}
}

// NewEnv is how the runtime prints for spec on this machine, complete:
// kernel and user symbolizers, the boot time for timestamps, probe,
// syscall and user names, and stacks read with stackFrames (the loaded
// script's runtime.Loaded.StackFrames; nil for a script that is not
// loaded, whose stacks print nothing).
func NewEnv(spec *plan.Spec, stackFrames func(mapName string, id uint64) ([]uint64, error)) *output.Env {
	env := output.DefaultEnv()
	env.StackFrames = stackFrames
	sym := &symbolizer{}
	env.Sym = sym
	env.Frames = sym.frames
	env.UserModule = sym.module
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

// UsesUserSymbols reports whether anything the script prints may need
// user symbols: a usym or ustack value in an event or a map.
func UsesUserSymbols(spec *plan.Spec) bool {
	var has func(t *types.Type) bool
	has = func(t *types.Type) bool {
		if t == nil {
			return false
		}
		switch t.Kind {
		case types.USym, types.UStack:
			return true
		}
		for _, f := range t.Fields {
			if has(f.Type) {
				return true
			}
		}
		return has(t.Elem)
	}
	for _, m := range spec.Plan.Maps {
		if has(m.Key) || has(m.Value) {
			return true
		}
	}
	for _, a := range spec.Plan.Actions {
		if has(a.Args) {
			return true
		}
	}
	return false
}
