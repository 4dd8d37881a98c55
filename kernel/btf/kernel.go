// Package kbtf is sonde's view of kernel types: it reads the kernel's BTF
// (with github.com/cilium/ebpf/btf) and converts what a script touches into
// sonde's value types (sonde/types).
//
// Everything is lazy. Constructing a Kernel reads nothing; the first query
// loads the BTF index (~15 ms), a struct is converted when first asked for,
// and pointers to structs convert to shallow stubs so a lookup never walks
// the kernel's whole type graph. Whole-BTF indexes (enumerators, function
// names, type names for suggestions) are built on first use by walking the
// encoded BTF directly, never by inflating every type.
//
// A Kernel is safe for concurrent use.
package kbtf

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/cilium/ebpf/btf"
)

const sysBTF = "/sys/kernel/btf"

// ErrNoBTF is returned (wrapped) when no BTF can be read.
var ErrNoBTF = errors.New("kernel BTF is not available")

// Kernel answers type questions about one kernel from its BTF.
type Kernel struct {
	path  string     // BTF file; "" with blob == nil is the running kernel
	blob  []byte     // in-memory BTF (FromBytes)
	cache *btf.Cache // the running kernel's specs, shared with cilium loads

	mu      sync.Mutex
	loaded  bool    // load was attempted; err says how it went
	vmlinux *source // see base
	err     error
	modules map[string]*source
	modErr  map[string]error

	conv converter

	enums *enumIndex // enumerators of vmlinux, built on first use
}

// source is one BTF blob: vmlinux or a module's split BTF.
type source struct {
	name string // "vmlinux" or the module name
	spec *btf.Spec
	raw  *rawBTF // nil until needed
	path string  // where raw comes from; "" with blob
	blob []byte
	base *source
	idx  *typeIndex // names by kind, built on first use
}

// New returns a Kernel for the running kernel, or for the BTF file named by
// $BPFTRACE_BTF when it is set (as bpftrace does). Nothing is read yet.
func New() *Kernel {
	return &Kernel{path: os.Getenv("BPFTRACE_BTF"), cache: btf.NewCache()}
}

// Cache returns the cilium BTF cache holding the running kernel's specs.
// Pass it as ebpf.CollectionOptions.Cache so that resolving fentry and
// tp_btf attach targets reuses the BTF loaded here instead of decoding it
// again. Creating a cache reads nothing.
func (k *Kernel) Cache() *btf.Cache {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.cache == nil {
		k.cache = btf.NewCache()
	}
	return k.cache
}

// Open returns a Kernel reading BTF from path: raw BTF or an ELF file with a
// .BTF section. Nothing is read yet.
func Open(path string) *Kernel { return &Kernel{path: path} }

// FromBytes returns a Kernel over an in-memory BTF blob (raw or ELF). The
// blob must not be modified afterwards: indexes refer into it.
func FromBytes(blob []byte) *Kernel { return &Kernel{blob: blob} }

// Spec returns the vmlinux spec, loading it on first use. The runtime can
// pass it to cilium/ebpf (ProgramOptions.KernelTypes) so the kernel's BTF is
// loaded only once per process.
func (k *Kernel) Spec() (*btf.Spec, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	src, err := k.load()
	if err != nil {
		return nil, err
	}
	return src.spec, nil
}

// base returns the vmlinux source, which may not be loaded yet: the raw
// scans (enumerators) need only the blob, not cilium's index. Callers hold
// k.mu.
func (k *Kernel) base() *source {
	if k.vmlinux == nil {
		k.vmlinux = &source{name: "vmlinux", path: k.path, blob: k.blob}
		if k.path == "" && k.blob == nil {
			k.vmlinux.path = filepath.Join(sysBTF, "vmlinux")
		}
	}
	return k.vmlinux
}

// load reads the vmlinux BTF index once. Callers hold k.mu.
func (k *Kernel) load() (*source, error) {
	src := k.base()
	if k.loaded {
		return src, k.err
	}
	k.loaded = true
	var err error
	switch {
	case k.blob != nil:
		src.spec, err = btf.LoadSpecFromReader(bytes.NewReader(k.blob))
	case k.path != "":
		src.spec, err = btf.LoadSpec(k.path)
	default:
		// The cache's LoadKernelSpec maps /sys/kernel/btf/vmlinux and
		// indexes it without inflating types; it also finds vmlinux ELFs.
		if k.cache == nil {
			k.cache = btf.NewCache()
		}
		src.spec, err = k.cache.Kernel()
	}
	if err != nil {
		where := src.path
		if where == "" {
			k.err = fmt.Errorf("%w: %v", ErrNoBTF, err)
		} else {
			k.err = fmt.Errorf("%w: %s: %v", ErrNoBTF, where, err)
		}
		return nil, k.err
	}
	return src, nil
}

// rawOf returns the encoded BTF of src for whole-BTF scans. Callers hold k.mu.
func (k *Kernel) rawOf(src *source) (*rawBTF, error) {
	if src.raw != nil {
		return src.raw, nil
	}
	blob := src.blob
	if blob == nil {
		var err error
		if blob, err = readBlob(src.path); err != nil {
			return nil, err
		}
	}
	var base *rawBTF
	if src.base != nil {
		var err error
		if base, err = k.rawOf(src.base); err != nil {
			return nil, err
		}
	}
	raw, err := parseRaw(blob, base)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src.name, err)
	}
	src.raw = raw
	return raw, nil
}

// Modules lists the kernel modules that have BTF (/sys/kernel/btf).
func Modules() ([]string, error) {
	ents, err := os.ReadDir(sysBTF)
	if err != nil {
		return nil, err
	}
	var mods []string
	for _, e := range ents {
		if e.Name() != "vmlinux" {
			mods = append(mods, e.Name())
		}
	}
	return mods, nil
}

// module loads a module's split BTF on first use. Callers hold k.mu.
func (k *Kernel) module(name string) (*source, error) {
	if name == "" || name == "vmlinux" || name == "kernel" {
		return k.load()
	}
	if src := k.modules[name]; src != nil {
		return src, nil
	}
	if err := k.modErr[name]; err != nil {
		return nil, err
	}
	base, err := k.load()
	if err != nil {
		return nil, err
	}
	src, err := k.loadModule(name, base)
	if err != nil {
		if k.modErr == nil {
			k.modErr = map[string]error{}
		}
		k.modErr[name] = err
		return nil, err
	}
	if k.modules == nil {
		k.modules = map[string]*source{}
	}
	k.modules[name] = src
	return src, nil
}

func (k *Kernel) loadModule(name string, base *source) (*source, error) {
	if k.path != "" || k.blob != nil {
		return nil, fmt.Errorf("module %s: module BTF is only read for the running kernel", name)
	}
	if name != filepath.Base(name) || name == "." || name == ".." {
		return nil, fmt.Errorf("invalid module name %q", name)
	}
	path := filepath.Join(sysBTF, name)
	spec, err := k.cache.Module(name)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("module %s has no BTF (not loaded?)", name)
		}
		return nil, fmt.Errorf("module %s: %w", name, err)
	}
	return &source{name: name, spec: spec, path: path, base: base}, nil
}

// sources returns vmlinux followed by the modules loaded so far, in name
// order, so lookups are deterministic. Callers hold k.mu.
func (k *Kernel) sources() ([]*source, error) {
	v, err := k.load()
	if err != nil {
		return nil, err
	}
	srcs := []*source{v}
	names := make([]string, 0, len(k.modules))
	for n := range k.modules {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		srcs = append(srcs, k.modules[n])
	}
	return srcs, nil
}

// LoadModule makes a module's types visible to Type and Complete. Func and
// RawTracepoint take the module explicitly.
func (k *Kernel) LoadModule(name string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	_, err := k.module(name)
	return err
}
