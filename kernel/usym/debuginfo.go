package usym

import (
	"bytes"
	"debug/elf"
	"encoding/hex"
	"path/filepath"
	"strings"
)

// debugRoot is where distributions install separate debug files.
const debugRoot = "/usr/lib/debug"

const ntGNUBuildID = 3

// procRootPrefix returns the /proc/PID/root prefix of path, or "". (A regexp
// here would be compiled at every start of the program.)
func procRootPrefix(path string) string {
	rest, ok := strings.CutPrefix(path, "/proc/")
	if !ok {
		return ""
	}
	n := 0
	for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
		n++
	}
	if n == 0 || !strings.HasPrefix(rest[n:], "/root") {
		return ""
	}
	return path[:len("/proc/")+n+len("/root")]
}

// debugSymbols reads the .symtab of a stripped file's separate debug
// file. Debug files keep the original's addresses, so the symbols apply
// unchanged.
func debugSymbols(ef *elf.File, path string) []elf.Symbol {
	for _, c := range debugCandidates(ef, path, nil) {
		df, err := elf.Open(c)
		if err != nil {
			continue
		}
		syms, err := df.Symbols()
		df.Close()
		if err == nil && len(syms) > 0 {
			return syms
		}
	}
	return nil
}

// DebugFiles lists where the separate debug file of the ELF file at path
// may be, best first: in dirs (--debuginfo) by build ID, .gnu_debuglink
// name or the file's own name plus ".debug", then where gdb looks.
func DebugFiles(path string, dirs []string) ([]string, error) {
	ef, err := elf.Open(path)
	if err != nil {
		return nil, err
	}
	defer ef.Close()
	return debugCandidates(ef, path, dirs), nil
}

// debugCandidates finds debug files the way gdb does: by build ID under
// /usr/lib/debug/.build-id, then by .gnu_debuglink next to the file, in
// its .debug directory and under /usr/lib/debug; dirs come first.
func debugCandidates(ef *elf.File, path string, dirs []string) []string {
	root := procRootPrefix(path) // a container's own debug files
	var id, link string
	if b := buildID(ef); len(b) > 1 {
		id = hex.EncodeToString(b)
	}
	if sec := ef.Section(".gnu_debuglink"); sec != nil {
		if data, err := sec.Data(); err == nil {
			if i := bytes.IndexByte(data, 0); i > 0 {
				link = string(data[:i])
			}
		}
	}
	var candidates []string
	var all []string
	for _, d := range dirs {
		// A relative directory is tried from here and from the binary's
		// directory, as bpftrace reads --debuginfo.
		all = append(all, d)
		if !filepath.IsAbs(d) {
			all = append(all, filepath.Join(filepath.Dir(path), d))
		}
	}
	for _, d := range all {
		if id != "" {
			candidates = append(candidates, filepath.Join(d, ".build-id", id[:2], id[2:]+".debug"))
		}
		if link != "" {
			candidates = append(candidates, filepath.Join(d, link))
		}
		candidates = append(candidates, filepath.Join(d, filepath.Base(path)+".debug"))
	}
	if id != "" {
		candidates = append(candidates, filepath.Join(root+debugRoot, ".build-id", id[:2], id[2:]+".debug"))
	}
	if link != "" {
		dir := filepath.Dir(path)
		candidates = append(candidates,
			filepath.Join(dir, link),
			filepath.Join(dir, ".debug", link),
			filepath.Join(root+debugRoot, dir[len(root):], link))
	}
	kept := candidates[:0]
	for _, c := range candidates {
		if c != path {
			kept = append(kept, c)
		}
	}
	return kept
}

// buildID returns the GNU build ID note's bytes.
func buildID(ef *elf.File) []byte {
	for _, p := range ef.Progs {
		if p.Type != elf.PT_NOTE {
			continue
		}
		data := make([]byte, p.Filesz)
		if _, err := p.ReadAt(data, 0); err != nil {
			continue
		}
		bo := ef.ByteOrder
		for len(data) >= 12 {
			namesz, descsz, typ := bo.Uint32(data), bo.Uint32(data[4:]), bo.Uint32(data[8:])
			nameEnd := 12 + align4(namesz)
			descEnd := nameEnd + align4(descsz)
			if descEnd > uint64(len(data)) {
				break
			}
			if typ == ntGNUBuildID && string(data[12:12+namesz]) == "GNU\x00" {
				return data[nameEnd : nameEnd+uint64(descsz)]
			}
			data = data[descEnd:]
		}
	}
	return nil
}
