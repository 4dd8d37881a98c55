// Package dwarftypes reads the types of a user-space program from its DWARF
// debug info (what `cc -g` writes): the structs, unions, enums, typedefs
// and arrays a script casts to, and the parameters and return type of the
// function a uprobe fires in. It converts them to sonde's types the way
// kernel/btf converts BTF: structs in full, pointers to named structs as
// shallow stubs completed by name, and every pointer into user memory.
//
// Nothing is read until asked: Open only opens the ELF file; the DWARF
// sections are loaded on the first question, the name index of the types
// on the first lookup by name, and a function's parameters come from the
// one compilation unit that holds its address.
package dwarftypes

import (
	"debug/dwarf"
	"debug/elf"
	"errors"
	"fmt"
	"strings"
	"sync"

	"sonde/internal/spell"
	kbtf "sonde/kernel/btf"
	"sonde/kernel/usym"
	"sonde/types"
)

// ErrNoDebugInfo is returned for a binary without DWARF.
var ErrNoDebugInfo = errors.New("no DWARF debug info")

// File is one binary's debug info.
type File struct {
	path string
	dirs []string // --debuginfo: where separate debug files are looked for first

	mu      sync.Mutex
	loaded  bool
	loadErr error
	data    *dwarf.Data
	conv    converter
	names   map[string]dwarf.Offset // "struct x", "union x", "enum x", typedef and base names, "func f", "enumerator E"
	indexed bool
	splits  []*File // split DWARF: the .dwo files or .dwp package (split.go)
}

// Open returns the debug info of the ELF file at path: its own DWARF, or
// that of its separate debug file (searched in dirs first, then where gdb
// looks). It reads nothing yet; without DWARF anywhere, the first question
// reports ErrNoDebugInfo.
func Open(path string, dirs ...string) *File { return &File{path: path, dirs: dirs} }

// Path is the file Open was given.
func (f *File) Path() string { return f.path }

// load reads the DWARF sections, once: the file's own, or its separate
// debug file's, which keeps the addresses of the original.
func (f *File) load() error {
	if f.loaded {
		return f.loadErr
	}
	f.loaded = true
	f.data, f.loadErr = readDWARF(f.path)
	if errors.Is(f.loadErr, ErrNoDebugInfo) {
		cands, _ := usym.DebugFiles(f.path, f.dirs)
		for _, c := range cands {
			if d, err := readDWARF(c); err == nil {
				f.data, f.loadErr = d, nil
				break
			}
		}
	}
	if f.loadErr != nil {
		return f.loadErr
	}
	f.conv.init(f.data)
	f.loadSplits()
	return nil
}

func readDWARF(path string) (*dwarf.Data, error) {
	ef, err := elf.Open(path)
	if err != nil {
		return nil, err
	}
	defer ef.Close()
	if ef.Section(".debug_info") == nil && ef.Section(".zdebug_info") == nil {
		return nil, fmt.Errorf("%s: %w", path, ErrNoDebugInfo)
	}
	d, err := ef.DWARF()
	if err != nil {
		return nil, fmt.Errorf("%s: reading DWARF: %v", path, err)
	}
	return d, nil
}

// HasDebugInfo reports whether the file has DWARF that sonde can read.
func (f *File) HasDebugInfo() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.load() == nil
}

// Type returns the type named name: "struct x", "union x", "enum x", a
// typedef or base type name, each optionally followed by "*"s.
func (f *File) Type(name string) (*types.Type, error) {
	name = strings.Join(strings.Fields(name), " ")
	if t, ok, err := types.ResolvePointers(name, f.Type, f.stubOfFull, true); ok {
		return t, err
	}
	name = stripQualifiers(name)
	if name == "void" {
		return types.VoidT, nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.load(); err != nil {
		return nil, err
	}
	if def, ok := f.conv.defs[name]; ok {
		return f.conv.conv(def), nil // a stub's definition, seen already
	}
	off, err := f.lookup(name)
	if err != nil {
		return firstSplit(f.splits, err, func(s *File) (*types.Type, error) { return s.Type(name) })
	}
	dt, err := f.data.Type(off)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %v", f.path, name, err)
	}
	return f.conv.conv(dt), nil
}

func (f *File) stubOfFull(t *types.Type) *types.Type {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.conv.stubOfFull(t)
}

// Field returns member name of the struct or union t, completing a stub
// first.
func (f *File) Field(t *types.Type, name string) (types.Field, error) {
	if t == nil || t.Kind != types.Struct {
		return types.Field{}, fmt.Errorf("%s is not a struct or union", t)
	}
	if t.Fields == nil {
		full, err := f.Type(t.Name)
		if err != nil {
			return types.Field{}, err
		}
		t = full
	}
	names := make([]string, 0, len(t.Fields))
	for _, fl := range t.Fields {
		if fl.Name == name {
			return fl, nil
		}
		names = append(names, fl.Name)
	}
	return types.Field{}, &kbtf.NotFoundError{What: "field", Name: name, In: t.Name,
		Candidates: spell.Suggest(name, names, maxCandidates)}
}

// EnumValue finds an enumerator of the program by name.
func (f *File) EnumValue(name string) (int64, *types.Type, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.load() != nil || f.index() != nil {
		return 0, nil, false
	}
	off, ok := f.names["enumerator "+name]
	if !ok {
		for _, s := range f.splits {
			if v, t, ok := s.EnumValue(name); ok {
				return v, t, true
			}
		}
		return 0, nil, false
	}
	dt, err := f.data.Type(off)
	if err != nil {
		return 0, nil, false
	}
	et, ok := dt.(*dwarf.EnumType)
	if !ok {
		return 0, nil, false
	}
	for _, v := range et.Val {
		if v.Name == name {
			return v.Val, f.conv.conv(dt), true
		}
	}
	return 0, nil, false
}

// lookup finds the definition of a named type. Callers hold mu.
func (f *File) lookup(name string) (dwarf.Offset, error) {
	if err := f.load(); err != nil {
		return 0, err
	}
	if err := f.index(); err != nil {
		return 0, err
	}
	if off, ok := f.names[name]; ok {
		return off, nil
	}
	return 0, f.unknownType(name)
}

// unknownType suggests names of the same kind, or the struct/union/enum
// keyword the user left out.
func (f *File) unknownType(name string) error {
	e := &kbtf.NotFoundError{What: "type", Name: name, In: f.path}
	kind, bare := splitKind(name)
	if kind == "" {
		for _, k := range []string{"struct ", "union ", "enum "} {
			if _, ok := f.names[k+bare]; ok {
				e.Candidates = []string{k + bare}
				return e
			}
		}
	}
	var same []string
	for n := range f.names {
		if k, b := splitKind(n); k == kind && k != "enumerator " {
			same = append(same, b)
		}
	}
	for _, c := range spell.Suggest(bare, same, maxCandidates) {
		e.Candidates = append(e.Candidates, kind+c)
	}
	return e
}

// index records where each named type is defined. Only the top level of
// each compilation unit is read: function bodies are skipped.
func (f *File) index() error {
	if f.indexed {
		return nil
	}
	f.indexed = true
	f.names = map[string]dwarf.Offset{}
	r := f.data.Reader()
	for {
		e, err := r.Next()
		if err != nil {
			return fmt.Errorf("%s: reading DWARF: %v", f.path, err)
		}
		if e == nil {
			return nil
		}
		if e.Tag == dwarf.TagCompileUnit {
			continue
		}
		if e.Tag == 0 {
			continue
		}
		f.indexEntry(r, e)
		if e.Children {
			r.SkipChildren()
		}
	}
}

func (f *File) indexEntry(r *dwarf.Reader, e *dwarf.Entry) {
	name, _ := e.Val(dwarf.AttrName).(string)
	if decl, _ := e.Val(dwarf.AttrDeclaration).(bool); decl || name == "" {
		if e.Tag == dwarf.TagEnumerationType && e.Children {
			f.indexEnumerators(r, e)
		}
		return
	}
	key := ""
	switch e.Tag {
	case dwarf.TagStructType, dwarf.TagClassType:
		key = "struct " + name
	case dwarf.TagUnionType:
		key = "union " + name
	case dwarf.TagEnumerationType:
		key = "enum " + name
		f.indexEnumerators(r, e)
	case dwarf.TagTypedef, dwarf.TagBaseType:
		key = name
	case dwarf.TagSubprogram:
		if _, ok := e.Val(dwarf.AttrLowpc).(uint64); !ok {
			return // inlined only, or declared
		}
		key = "func " + name
		if ln, ok := e.Val(dwarf.AttrLinkageName).(string); ok {
			if _, dup := f.names["func "+ln]; !dup {
				f.names["func "+ln] = e.Offset
			}
		}
	default:
		return
	}
	if _, dup := f.names[key]; !dup {
		f.names[key] = e.Offset
	}
}

// indexEnumerators records the enum defining each enumerator; it reads the
// enum's children, leaving the reader after them.
func (f *File) indexEnumerators(r *dwarf.Reader, enum *dwarf.Entry) {
	for {
		c, err := r.Next()
		if err != nil || c == nil || c.Tag == 0 {
			return
		}
		if n, ok := c.Val(dwarf.AttrName).(string); ok && c.Tag == dwarf.TagEnumerator {
			if _, dup := f.names["enumerator "+n]; !dup {
				f.names["enumerator "+n] = enum.Offset
			}
		}
		if c.Children {
			r.SkipChildren()
		}
	}
}

func splitKind(name string) (kind, bare string) {
	for _, k := range []string{"struct ", "union ", "enum "} {
		if b, ok := strings.CutPrefix(name, k); ok {
			return k, b
		}
	}
	return "", name
}

func stripQualifiers(name string) string {
	for {
		n := strings.TrimPrefix(strings.TrimPrefix(name, "const "), "volatile ")
		n = strings.TrimSuffix(strings.TrimSuffix(n, " const"), " volatile")
		if n == name {
			return strings.TrimSpace(n)
		}
		name = n
	}
}

// maxCandidates bounds the names a did-you-mean hint offers.
const maxCandidates = 3
