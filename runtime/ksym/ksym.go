// Package ksym resolves kernel addresses to symbols with /proc/kallsyms.
//
// The table is parsed once into a slice sorted by address (names point
// into the file's text, so parsing allocates little) and searched with
// binary search. Symbols have no size in kallsyms: an address belongs to
// the nearest symbol at or below it, as bcc (and so bpftrace) resolves.
package ksym

import (
	"io"
	"os"
	"slices"
	"strings"
	"sync"
)

// Table is a parsed kallsyms.
type Table struct {
	syms []symbol // by address; for equal addresses the preferred one first

	nameOnce sync.Once
	byName   map[string]uint64
}

type symbol struct {
	addr uint64
	name string
	text bool // a code symbol (t/T/w/W)
	seq  int32
}

// Parse parses kallsyms text ("addr type name [module]" per line).
// Symbols at address 0, as unprivileged readers see them, are dropped.
func Parse(data string) *Table {
	t := &Table{syms: make([]symbol, 0, len(data)/40)}
	for len(data) > 0 {
		var line string
		if i := strings.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, ""
		}
		s, ok := parseLine(line)
		if !ok || s.addr == 0 {
			continue
		}
		s.seq = int32(len(t.syms))
		t.syms = append(t.syms, s)
	}
	// kallsyms is nearly sorted already. Among equal addresses, code
	// symbols come first, then file order.
	slices.SortFunc(t.syms, func(a, b symbol) int {
		switch {
		case a.addr != b.addr:
			if a.addr < b.addr {
				return -1
			}
			return 1
		case a.text != b.text:
			if a.text {
				return -1
			}
			return 1
		}
		return int(a.seq - b.seq)
	})
	return t
}

// parseLine splits "ffffffff81000000 T _stext [mod]" without allocating.
func parseLine(line string) (symbol, bool) {
	var s symbol
	i := 0
	for ; i < len(line) && line[i] != ' '; i++ {
		c := line[i]
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return s, false
		}
		s.addr = s.addr<<4 | uint64(d)
	}
	if i+3 > len(line) || line[i+2] != ' ' {
		return s, false
	}
	switch line[i+1] {
	case 't', 'T', 'w', 'W':
		s.text = true
	}
	name := line[i+3:]
	if j := strings.IndexByte(name, '\t'); j >= 0 { // "\t[module]"
		name = name[:j]
	}
	s.name = name
	return s, name != ""
}

// Len is the number of symbols.
func (t *Table) Len() int { return len(t.syms) }

// Lookup returns the symbol containing addr and addr's offset into it.
func (t *Table) Lookup(addr uint64) (name string, offset uint64, ok bool) {
	// The first symbol above addr; the one before it is ours, and among
	// equal addresses the preferred one comes first.
	i, _ := slices.BinarySearchFunc(t.syms, addr+1, func(s symbol, a uint64) int {
		if s.addr < a {
			return -1
		}
		if s.addr > a {
			return 1
		}
		return 0
	})
	if i == 0 {
		return "", 0, false
	}
	j := i - 1
	for j > 0 && t.syms[j-1].addr == t.syms[j].addr {
		j--
	}
	s := t.syms[j]
	return s.name, addr - s.addr, true
}

// Addr returns the address of the symbol called name (the first one in
// kallsyms when several share the name).
func (t *Table) Addr(name string) (uint64, bool) {
	t.nameOnce.Do(func() {
		t.byName = make(map[string]uint64, len(t.syms))
		first := make(map[string]int32, len(t.syms))
		for _, s := range t.syms {
			if seq, dup := first[s.name]; dup && seq < s.seq {
				continue
			}
			first[s.name] = s.seq
			t.byName[s.name] = s.addr
		}
	})
	a, ok := t.byName[name]
	return a, ok
}

// Path is the kallsyms file Default reads.
const Path = "/proc/kallsyms"

var (
	defaultOnce  sync.Once
	defaultTable *Table
	defaultErr   error
)

// Default returns the table of the running kernel, read on first use.
func Default() (*Table, error) {
	defaultOnce.Do(func() {
		data, err := readProc(Path)
		if err != nil {
			defaultErr = err
			return
		}
		defaultTable = Parse(string(data))
	})
	return defaultTable, defaultErr
}

// Lookup resolves addr in the running kernel's table.
func Lookup(addr uint64) (name string, offset uint64, ok bool) {
	t, err := Default()
	if err != nil {
		return "", 0, false
	}
	return t.Lookup(addr)
}

// Addr returns the address of a kernel symbol in the running kernel.
func Addr(name string) (uint64, bool) {
	t, err := Default()
	if err != nil {
		return 0, false
	}
	return t.Addr(name)
}

// readProc reads a /proc file in large chunks: kallsyms reports size 0, and
// os.ReadFile's small first reads make the kernel regenerate it slowly.
func readProc(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, 0, 8<<20)
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, cap(buf))
		}
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF || (err == nil && n == 0) {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// TextAddrs returns the addresses of every code symbol called name, in
// address order: several static functions may share a name.
func (t *Table) TextAddrs(name string) []uint64 {
	var out []uint64
	for _, s := range t.syms {
		if s.text && s.name == name {
			out = append(out, s.addr)
		}
	}
	return out
}

// TextWithPrefix returns the names of the code symbols that start with
// prefix, sorted and without duplicates.
func (t *Table) TextWithPrefix(prefix string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range t.syms {
		if s.text && strings.HasPrefix(s.name, prefix) && !seen[s.name] {
			seen[s.name] = true
			out = append(out, s.name)
		}
	}
	slices.Sort(out)
	return out
}
