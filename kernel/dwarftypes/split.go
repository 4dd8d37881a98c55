package dwarftypes

import (
	"debug/dwarf"
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	kbtf "sonde/kernel/btf"
)

// Split DWARF (cc -gsplit-dwarf): the binary keeps skeleton units (name,
// addresses, line table) and each unit's types and functions live in a
// .dwo file, or all of them in one .dwp package next to the binary. Each
// is read as a File of its own, asked when the binary's own DWARF does not
// know a name.

// loadSplits opens the split units the skeletons of f name. Callers hold
// f.mu, after f.data is loaded.
func (f *File) loadSplits() {
	addr := f.sectionData(".debug_addr")
	if dwp := f.path + ".dwp"; fileExists(dwp) {
		if s, err := openSplit(dwp, addr, 0); err == nil {
			f.splits = append(f.splits, s)
		}
		return
	}
	r := f.data.Reader()
	for {
		cu, err := r.Next()
		if err != nil || cu == nil {
			return
		}
		if cu.Children {
			r.SkipChildren()
		}
		name, _ := cu.Val(dwarf.AttrDwoName).(string)
		if name == "" {
			continue
		}
		base, _ := cu.Val(dwarf.AttrAddrBase).(int64)
		dir, _ := cu.Val(dwarf.AttrCompDir).(string)
		for _, p := range []string{filepath.Join(dir, name), filepath.Join(filepath.Dir(f.path), filepath.Base(name))} {
			if filepath.IsAbs(name) {
				p = name
			}
			if s, err := openSplit(p, addr, base); err == nil {
				f.splits = append(f.splits, s)
				break
			}
		}
	}
}

// openSplit reads a .dwo or .dwp file. Its units take their addresses
// from the binary's .debug_addr at base, and their strings through the
// offsets table after its header (the skeleton, not the unit, says where
// both start).
func openSplit(path string, addr []byte, base int64) (*File, error) {
	ef, err := elf.Open(path)
	if err != nil {
		return nil, err
	}
	defer ef.Close()
	sec := func(name string) []byte {
		s := ef.Section(name)
		if s == nil {
			return nil
		}
		b, _ := s.Data()
		return b
	}
	info := sec(".debug_info.dwo")
	if info == nil {
		return nil, fmt.Errorf("%s: %w", path, ErrNoDebugInfo)
	}
	d, err := dwarf.New(sec(".debug_abbrev.dwo"), nil, nil, info, nil, nil, nil, sec(".debug_str.dwo"))
	if err != nil {
		return nil, fmt.Errorf("%s: reading DWARF: %v", path, err)
	}
	const offsetsHeader = 8 // DWARF 5, 32-bit: unit length, version, padding
	if so := sec(".debug_str_offsets.dwo"); len(so) > offsetsHeader {
		if err := d.AddSection(".debug_str_offsets", so[offsetsHeader:]); err != nil {
			return nil, err
		}
	}
	if base >= 0 && int(base) <= len(addr) && addr != nil {
		if err := d.AddSection(".debug_addr", addr[base:]); err != nil {
			return nil, err
		}
	}
	s := &File{path: path, loaded: true, data: d}
	s.conv.init(d)
	return s, nil
}

func (f *File) sectionData(name string) []byte {
	ef, err := elf.Open(f.path)
	if err != nil {
		return nil
	}
	defer ef.Close()
	s := ef.Section(name)
	if s == nil {
		return nil
	}
	b, _ := s.Data()
	return b
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// firstSplit asks each split unit when f itself does not know a name
// (err is a not-found error); other errors stand.
func firstSplit[T any](splits []*File, err error, ask func(*File) (T, error)) (T, error) {
	var zero T
	var nf *kbtf.NotFoundError
	if !errors.As(err, &nf) {
		return zero, err
	}
	for _, s := range splits {
		if v, serr := ask(s); serr == nil {
			return v, nil
		}
	}
	return zero, err
}
