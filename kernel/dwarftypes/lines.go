package dwarftypes

import (
	"debug/dwarf"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// LineAddr returns the link-time address of the first instruction of
// source line line of file (a base name such as "app.c", or a path
// suffix), from the DWARF line table: the lowest statement address the
// compiler attributed to that line.
func (f *File) LineAddr(file string, line int) (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.load(); err != nil {
		return 0, err
	}
	var best uint64
	found, fileSeen := false, false
	r := f.data.Reader()
	for {
		cu, err := r.Next()
		if err != nil {
			return 0, fmt.Errorf("%s: reading DWARF: %v", f.path, err)
		}
		if cu == nil {
			break
		}
		if cu.Children {
			r.SkipChildren()
		}
		// A split-DWARF binary keeps skeleton units, and the line table
		// stays with them.
		if cu.Tag != dwarf.TagCompileUnit && cu.Tag != dwarf.TagSkeletonUnit {
			continue
		}
		lr, err := f.data.LineReader(cu)
		if err != nil || lr == nil {
			continue
		}
		var e dwarf.LineEntry
		for {
			if err := lr.Next(&e); err != nil {
				if !errors.Is(err, io.EOF) {
					return 0, fmt.Errorf("%s: reading the line table: %v", f.path, err)
				}
				break
			}
			if e.File == nil || !sameFile(e.File.Name, file) {
				continue
			}
			fileSeen = true
			if e.Line == line && e.IsStmt && !e.EndSequence && (!found || e.Address < best) {
				best, found = e.Address, true
			}
		}
	}
	switch {
	case found:
		return best, nil
	case fileSeen:
		return 0, fmt.Errorf("%s:%d: no code at this line in %s", file, line, f.path)
	}
	return 0, fmt.Errorf("%s: no source file %q in its line table", f.path, file)
}

// sameFile matches a line table's file name against what the script
// wrote: the same path, or a suffix of it at a directory boundary.
func sameFile(name, want string) bool {
	if name == want || filepath.Clean(name) == filepath.Clean(want) {
		return true
	}
	return strings.HasSuffix(name, "/"+strings.TrimPrefix(want, "./"))
}
