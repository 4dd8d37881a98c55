package usym

import (
	"cmp"
	"debug/elf"
	"debug/gosym"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// Sentinels for symbol lookups; test with errors.Is.
var (
	ErrNoSymbol   = errors.New("no such function")
	ErrStripped   = errors.New("stripped binary: no symbol table")
	ErrNoFunction = errors.New("address is not inside a function")
)

// Symbol is a function of an ELF file.
type Symbol struct {
	Name      string // as in the symbol table; "name@VER" for one of several versions
	Demangled string // C++ name with its parameters; "" when Name is not mangled
	Addr      uint64 // link-time virtual address (st_value)
	Size      uint64 // bytes; 0 when the symbol table does not say
}

func (s Symbol) contains(addr uint64) bool {
	return addr >= s.Addr && (addr < s.Addr+s.Size || s.Size == 0)
}

// File is the symbol view of one ELF binary or shared library. It is
// immutable once opened and safe for concurrent use.
type File struct {
	Path string
	Type elf.Type // ET_EXEC, or ET_DYN for PIE executables and libraries

	loads  []elf.ProgHeader  // PT_LOAD segments, in file order
	syms   []Symbol          // one per name, sorted by name
	byName map[string]int    // name, versioned name or demangled name → syms index
	byAddr []int             // syms indices sorted by address, one per address
	symtab bool              // has .symtab, i.e. is not stripped
	vars   map[string]Symbol // data objects, for uaddr

	probes  []USDTProbe
	usdtErr error
}

// SymbolError is a failed lookup by name. Hint is a close name to
// suggest, if there is one.
type SymbolError struct {
	Path, Name string
	Hint       string
	Stripped   bool // only dynamic symbols were searched
}

func (e *SymbolError) Error() string {
	s := fmt.Sprintf("%s: no function %q", e.Path, e.Name)
	if e.Stripped {
		s += " (binary is stripped: only exported functions are known)"
	}
	return s
}

func (e *SymbolError) Unwrap() error { return ErrNoSymbol }

// fileKey identifies one version of a file on disk, so a rebuilt binary
// is read again while an unchanged one is read once.
type fileKey struct {
	dev, ino    uint64
	mtime, size int64
}

// fileCache holds opened files by path, and by file identity so that the
// same library seen through /proc/PID/root or map_files is parsed once.
var fileCache = struct {
	sync.Mutex
	byPath map[string]cached
	byKey  map[fileKey]*File
}{byPath: map[string]cached{}, byKey: map[fileKey]*File{}}

type cached struct {
	key fileKey
	f   *File
}

// Open reads the function symbols, segments and USDT probes of an ELF
// file. Results are cached by path, inode and modification time.
func Open(path string) (*File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	key := fileKey{mtime: st.ModTime().UnixNano(), size: st.Size()}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		key.dev, key.ino = uint64(sys.Dev), sys.Ino
	}
	fileCache.Lock()
	defer fileCache.Unlock()
	if c, ok := fileCache.byPath[path]; ok && c.key == key {
		return c.f, nil
	}
	f := fileCache.byKey[key]
	if f != nil {
		alias := *f // the tables are shared and never modified
		alias.Path = path
		f = &alias
	} else if f, err = load(path); err != nil {
		return nil, err
	}
	fileCache.byPath[path] = cached{key, f}
	fileCache.byKey[key] = f
	return f, nil
}

func load(path string) (*File, error) {
	ef, err := elf.Open(path)
	if err != nil {
		var fe *elf.FormatError
		if errors.As(err, &fe) {
			return nil, fmt.Errorf("%s: %w", path, ErrNotELF)
		}
		return nil, err
	}
	defer ef.Close()
	f := &File{Path: path, Type: ef.Type, byName: map[string]int{}}
	for _, p := range ef.Progs {
		if p.Type == elf.PT_LOAD {
			f.loads = append(f.loads, p.ProgHeader)
		}
	}
	syms, err := ef.Symbols()
	f.symtab = err == nil
	if !f.symtab {
		// Distributions ship the symbol table apart (libc6-dbg).
		syms = debugSymbols(ef, path)
		f.symtab = len(syms) > 0
	}
	if !f.symtab {
		// Go binaries built with -ldflags=-s (and go test's) keep every
		// function in the pclntab the runtime needs for tracebacks.
		syms = goFuncs(ef)
		f.symtab = len(syms) > 0
	}
	dyn, _ := ef.DynamicSymbols()
	f.addSymbols(syms, dyn)
	f.addVars(syms, dyn)
	f.probes, f.usdtErr = readUSDT(ef, f)
	return f, nil
}

// goFuncs reads function symbols from a Go binary's .gopclntab.
func goFuncs(ef *elf.File) []elf.Symbol {
	pcln, text := ef.Section(".gopclntab"), ef.Section(".text")
	if pcln == nil || text == nil {
		return nil
	}
	data, err := pcln.Data()
	if err != nil {
		return nil
	}
	tab, err := gosym.NewTable(nil, gosym.NewLineTable(data, text.Addr))
	if err != nil {
		return nil
	}
	textIdx := elf.SectionIndex(slices.Index(ef.Sections, text))
	syms := make([]elf.Symbol, 0, len(tab.Funcs))
	for _, fn := range tab.Funcs {
		syms = append(syms, elf.Symbol{
			Name:    fn.Name,
			Info:    elf.ST_INFO(elf.STB_GLOBAL, elf.STT_FUNC),
			Section: textIdx,
			Value:   fn.Entry,
			Size:    fn.End - fn.Entry,
		})
	}
	return syms
}

func isFunc(s elf.Symbol) bool {
	t := elf.ST_TYPE(s.Info)
	// STT_LOOS is STT_GNU_IFUNC: probing it probes the resolver, as
	// bpftrace does.
	return (t == elf.STT_FUNC || t == elf.STT_LOOS) &&
		s.Section != elf.SHN_UNDEF && s.Value != 0
}

type rawSym struct {
	Symbol
	bind  elf.SymBind
	plain string // name without version
}

// addSymbols merges .symtab and .dynsym: one entry per name, exported
// versions named name@VER only when a library defines several.
func (f *File) addSymbols(symtab, dynsym []elf.Symbol) {
	var raws []rawSym
	for _, s := range symtab {
		if isFunc(s) {
			raws = append(raws, rawSym{Symbol{Name: s.Name, Addr: s.Value, Size: s.Size}, elf.ST_BIND(s.Info), s.Name})
		}
	}
	versions := map[string]int{}
	for _, s := range dynsym {
		if isFunc(s) && s.HasVersion && s.Version != "" {
			versions[s.Name]++
		}
	}
	// Default versions first, so a plain name means what the linker would bind.
	sort.SliceStable(dynsym, func(i, j int) bool {
		return !dynsym[i].VersionIndex.IsHidden() && dynsym[j].VersionIndex.IsHidden()
	})
	for _, s := range dynsym {
		if !isFunc(s) {
			continue
		}
		r := rawSym{Symbol{Name: s.Name, Addr: s.Value, Size: s.Size}, elf.ST_BIND(s.Info), s.Name}
		raws = append(raws, r)
		if versions[s.Name] > 1 {
			sep := "@@"
			if s.VersionIndex.IsHidden() {
				sep = "@"
			}
			r.Name = s.Name + sep + s.Version
			raws = append(raws, r)
		}
	}

	// One entry per name, the first seen: .symtab before .dynsym.
	seen := map[string]bool{}
	uniq := raws[:0]
	for _, r := range raws {
		if !seen[r.Name] {
			seen[r.Name] = true
			if strings.HasPrefix(r.plain, "_Z") {
				r.Demangled = Demangle(r.plain)
			}
			uniq = append(uniq, r)
		}
	}

	slices.SortFunc(uniq, func(a, b rawSym) int { return strings.Compare(a.Name, b.Name) })
	f.syms = make([]Symbol, len(uniq))
	for i, r := range uniq {
		f.syms[i] = r.Symbol
		f.byName[r.Name] = i
	}
	// C++ functions are also found by demangled name, with or without
	// parameters and return type; the first of a clash wins.
	for i, s := range f.syms {
		if s.Demangled == "" {
			continue
		}
		for _, n := range cppNames(s.Demangled) {
			if _, dup := f.byName[n]; !dup {
				f.byName[n] = i
			}
		}
	}

	// For address lookups keep one name per address: the one a reader
	// recognises (global, unversioned, fewest leading underscores).
	idx := make([]int, len(uniq))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		a, b := uniq[i], uniq[j]
		if a.Addr != b.Addr {
			return cmp.Compare(a.Addr, b.Addr)
		}
		return nameRank(a) - nameRank(b)
	})
	for k, i := range idx {
		if k == 0 || uniq[idx[k-1]].Addr != uniq[i].Addr {
			f.byAddr = append(f.byAddr, i)
		}
	}
}

func nameRank(r rawSym) int {
	rank := 0
	switch r.bind {
	case elf.STB_GLOBAL:
	case elf.STB_WEAK:
		rank += 100
	default:
		rank += 200
	}
	if strings.Contains(r.Name, "@") {
		rank += 50
	}
	return rank + len(r.Name) - len(strings.TrimLeft(r.Name, "_"))
}

// Symbols returns every function, sorted by name.
func (f *File) Symbols() []Symbol { return f.syms }

// Stripped reports whether the file lacks a .symtab, so only its
// exported (.dynsym) functions are known.
func (f *File) Stripped() bool { return !f.symtab }

// Lookup finds a function by name, versioned name (memcpy@GLIBC_2.2.5) or
// demangled C++ name. A miss is a *SymbolError carrying a "did you mean".
func (f *File) Lookup(name string) (Symbol, error) {
	if i, ok := f.byName[name]; ok {
		return f.syms[i], nil
	}
	if len(f.syms) == 0 {
		return Symbol{}, fmt.Errorf("%s: %w", f.Path, ErrStripped)
	}
	return Symbol{}, &SymbolError{Path: f.Path, Name: name, Hint: f.suggest(name), Stripped: !f.symtab}
}

// Location is a resolved probe point inside a binary.
type Location struct {
	Symbol     string // function containing the point
	Offset     uint64 // bytes past the function's start
	Addr       uint64 // link-time virtual address of the point
	FileOffset uint64 // what link.UprobeOptions.Address wants
}

// Resolve finds the probe point a script names after the binary:
// "func", "func+off" (decimal or 0x hex) or "0xADDR" (a virtual address
// as nm and objdump print it).
func (f *File) Resolve(spec string) (Location, error) {
	var loc Location
	if strings.HasPrefix(spec, "0x") {
		addr, err := strconv.ParseUint(spec[2:], 16, 64)
		if err != nil {
			return loc, fmt.Errorf("%s: bad address %q", f.Path, spec)
		}
		sym, off, ok := f.SymbolAt(addr)
		if !ok {
			return loc, fmt.Errorf("%s: %#x: %w", f.Path, addr, ErrNoFunction)
		}
		loc = Location{Symbol: sym.Name, Offset: off, Addr: addr}
	} else {
		name, offStr, hasOff := strings.Cut(spec, "+")
		sym, err := f.Lookup(name)
		if err != nil {
			return loc, err
		}
		var off uint64
		if hasOff {
			if off, err = strconv.ParseUint(offStr, 0, 64); err != nil {
				return loc, fmt.Errorf("%s: bad offset %q", f.Path, offStr)
			}
			if sym.Size != 0 && off >= sym.Size {
				return loc, fmt.Errorf("%s: offset %d is past the end of %s (size %d)", f.Path, off, name, sym.Size)
			}
		}
		loc = Location{Symbol: sym.Name, Offset: off, Addr: sym.Addr + off}
	}
	var err error
	loc.FileOffset, err = f.FileOffset(loc.Addr)
	return loc, err
}

// FileOffset translates a link-time virtual address into the offset in
// the file that holds its bytes, through the PT_LOAD program headers.
// Uprobes are placed, and USDT semaphores counted, by file offset.
func (f *File) FileOffset(addr uint64) (uint64, error) {
	for _, p := range f.loads {
		if addr >= p.Vaddr && addr < p.Vaddr+p.Filesz {
			return addr - p.Vaddr + p.Off, nil
		}
	}
	return 0, fmt.Errorf("%s: address %#x is in no loadable segment", f.Path, addr)
}

// vaddr translates a file offset back to a link-time virtual address. exec
// prefers executable segments, since the page-aligned mappings of
// neighbouring segments can overlap in file offsets.
func (f *File) vaddr(off uint64, exec bool) (uint64, bool) {
	found := false
	var v uint64
	for _, p := range f.loads {
		if off >= p.Off && off < p.Off+p.Filesz {
			if !found || (exec && p.Flags&elf.PF_X != 0) {
				v, found = off-p.Off+p.Vaddr, true
			}
		}
	}
	return v, found
}

// SymbolAt finds the function containing a link-time virtual address and
// the offset into it.
func (f *File) SymbolAt(addr uint64) (Symbol, uint64, bool) {
	i := sort.Search(len(f.byAddr), func(i int) bool { return f.syms[f.byAddr[i]].Addr > addr }) - 1
	// An enclosing function may start before a smaller neighbour that
	// ends short of addr, so look back a few symbols.
	for j := i; j >= 0 && j > i-4; j-- {
		s := f.syms[f.byAddr[j]]
		if s.contains(addr) && (s.Size != 0 || j == i) {
			return s, addr - s.Addr, true
		}
	}
	return Symbol{}, 0, false
}

func (f *File) addVars(symtab, dynsym []elf.Symbol) {
	f.vars = map[string]Symbol{}
	for _, s := range append(symtab, dynsym...) {
		if elf.ST_TYPE(s.Info) == elf.STT_OBJECT && s.Section != elf.SHN_UNDEF {
			if _, dup := f.vars[s.Name]; !dup {
				f.vars[s.Name] = Symbol{Name: s.Name, Addr: s.Value, Size: s.Size}
			}
		}
	}
}

// Var finds a data object (a global variable) or, failing that, a
// function by name: what uaddr("sym") may name. Size types the pointer.
func (f *File) Var(name string) (Symbol, error) {
	if s, ok := f.vars[name]; ok {
		return s, nil
	}
	return f.Lookup(name)
}

// Addr returns the link-time address of a global variable or function,
// for uaddr("sym").
func Addr(path, name string) (uint64, error) {
	f, err := Open(path)
	if err != nil {
		return 0, err
	}
	s, err := f.Var(name)
	return s.Addr, err
}
