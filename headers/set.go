// Package headers gives scripts the constants C headers define, without a
// C compiler: the object-like #defines that are integer constant
// expressions and the constants of simple enums, read from the headers a
// script #includes when the machine has them, and from a table built into
// sonde (generated from the Linux UAPI headers) when it does not.
package headers

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Constant is the value of a name a header defines.
type Constant struct {
	Value    int64
	Unsigned bool   // an unsigned C type; Value holds its bits
	Header   string // as included: "linux/socket.h"
	Path     string // the file read; "" for the built-in table
}

// Config says where headers are looked for.
type Config struct {
	Dirs []string // search path, in order (see SearchPath)
	// Kernel defines __KERNEL__, as when the kernel's own headers are
	// read (bpftrace and kernel modules compile them that way).
	Kernel   bool
	ReadFile func(string) ([]byte, error) // nil: os.ReadFile
}

// Set is the constants a script's #include lines make visible. Headers
// are read on the first lookup only, so a script that includes headers
// and uses none of their constants reads nothing.
type Set struct {
	includes []string
	cfg      Config
	r        *reader
	found    map[string]bool // includes found on the machine
	visible  []uint16        // built-in headers visible, in include order
	cache    map[string]*Constant
}

// New returns the constants of the headers named in includes (as written
// between <> or "").
func New(includes []string, cfg Config) *Set {
	if cfg.ReadFile == nil {
		cfg.ReadFile = os.ReadFile
	}
	return &Set{includes: includes, cfg: cfg, cache: map[string]*Constant{}}
}

// Includes are the headers the set was made from.
func (s *Set) Includes() []string { return s.includes }

func (s *Set) load() {
	if s.r != nil {
		return
	}
	s.r = newReader(s.cfg.Dirs, s.cfg.ReadFile, predefined(s.cfg.Kernel))
	s.found = map[string]bool{}
	for _, inc := range s.includes {
		s.found[inc] = s.r.include(inc, false, "", -1)
	}
	// The built-in table is consulted for the headers the script names and
	// those the machine's headers include, as a compiler would reach them.
	seen := map[uint16]bool{}
	var walk func(name string)
	walk = func(name string) {
		i, ok := headerIndex(name)
		if !ok || seen[i] {
			return
		}
		seen[i] = true
		s.visible = append(s.visible, i)
		for _, j := range tableIncludes[i] {
			walk(tableHeaders[j])
		}
	}
	for _, inc := range s.includes {
		walk(inc)
	}
	for _, f := range s.r.files {
		walk(f.Name)
	}
}

// Lookup returns the value of name: a macro of the headers on the
// machine first, then the built-in table's for the included headers.
func (s *Set) Lookup(name string) (Constant, bool) {
	if len(s.includes) == 0 {
		return Constant{}, false
	}
	if c, ok := s.cache[name]; ok {
		if c == nil {
			return Constant{}, false
		}
		return *c, true
	}
	s.load()
	c := s.lookup(name)
	s.cache[name] = c
	if c == nil {
		return Constant{}, false
	}
	return *c, true
}

func (s *Set) lookup(name string) *Constant {
	if v, ok := s.r.constant(name); ok {
		file := s.r.enumFile[name]
		if m, ok := s.r.macros[name]; ok && !m.fn {
			file = m.file
		}
		if file != "<built-in>" {
			return &Constant{Value: v.v, Unsigned: v.u, Header: file, Path: s.pathOf(file)}
		}
	}
	for _, e := range tableEntries(name) {
		for _, h := range s.visible {
			if e.header == h {
				return &Constant{Value: e.value, Unsigned: e.unsigned, Header: tableHeaders[h]}
			}
		}
	}
	return nil
}

func (s *Set) pathOf(name string) string {
	for _, f := range s.r.files {
		if f.Name == name {
			return f.Path
		}
	}
	return ""
}

// Explain says, for an error about name, where it was looked for.
func (s *Set) Explain(name string) string {
	if len(s.includes) == 0 {
		return ""
	}
	s.load()
	var parts []string
	for _, inc := range s.includes {
		where := "not on this machine"
		if s.found[inc] {
			where = s.pathOf(inc)
		}
		parts = append(parts, fmt.Sprintf("<%s> (%s)", inc, where))
	}
	return fmt.Sprintf("not defined by %s, and sonde's built-in table has no %s for them", strings.Join(parts, ", "), name)
}

// Defines lists the headers of the built-in table that define name, for
// a hint when a script does not include any.
func Defines(name string) []string {
	var hs []string
	for _, e := range tableEntries(name) {
		hs = append(hs, tableHeaders[e.header])
	}
	return hs
}

// tableEntries are the built-in entries for name (the table is sorted by
// name, so it costs a binary search and no start-up work).
func tableEntries(name string) []entry {
	i := sort.Search(len(table), func(i int) bool { return table[i].name >= name })
	j := i
	for j < len(table) && table[j].name == name {
		j++
	}
	return table[i:j]
}

func headerIndex(name string) (uint16, bool) {
	i := sort.SearchStrings(tableHeaders[:], name)
	if i < len(tableHeaders) && tableHeaders[i] == name {
		return uint16(i), true
	}
	return 0, false
}

// entry is one constant of the built-in table.
type entry struct {
	name     string
	value    int64
	header   uint16 // index in tableHeaders
	unsigned bool
}

// SearchPath is where headers are looked for, as bpftrace's clang looks:
// the directories given with -I, then (unless nostdinc, as a C compiler's
// -nostdinc) the running kernel's build headers when installed and the
// system's. kernel says whether the kernel's headers are among them.
func SearchPath(release string, extra []string, nostdinc bool) (dirs []string, kernel bool) {
	dirs = append(dirs, extra...)
	if nostdinc {
		return dirs, false
	}
	if release != "" {
		build := filepath.Join("/lib/modules", release, "build")
		if st, err := os.Stat(filepath.Join(build, "include")); err == nil && st.IsDir() {
			kernel = true
			for _, d := range []string{"arch/x86/include", "arch/x86/include/generated", "include",
				"arch/x86/include/uapi", "arch/x86/include/generated/uapi", "include/uapi", "include/generated/uapi"} {
				dirs = append(dirs, filepath.Join(build, d))
			}
		}
	}
	return append(dirs, "/usr/local/include", "/usr/include/x86_64-linux-gnu", "/usr/include"), kernel
}

// predefined are the macros a C compiler for x86-64 Linux defines itself,
// as far as headers test them.
func predefined(kernel bool) map[string]string {
	m := map[string]string{
		"__x86_64__": "1", "__x86_64": "1", "__amd64__": "1", "__linux__": "1", "__linux": "1",
		"__unix__": "1", "__gnu_linux__": "1", "__STDC__": "1", "__LP64__": "1", "_LP64": "1",
		"__CHAR_BIT__": "8", "__SIZEOF_INT__": "4", "__SIZEOF_LONG__": "8", "__SIZEOF_LONG_LONG__": "8",
		"__SIZEOF_POINTER__": "8", "__SIZEOF_SHORT__": "2",
		"__ORDER_LITTLE_ENDIAN__": "1234", "__ORDER_BIG_ENDIAN__": "4321", "__ORDER_PDP_ENDIAN__": "3412",
		"__BYTE_ORDER__": "__ORDER_LITTLE_ENDIAN__",
		"__GNUC__":       "12", "__GNUC_MINOR__": "2",
	}
	if kernel {
		m["__KERNEL__"] = "1"
	}
	return m
}
