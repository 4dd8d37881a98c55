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
// file, found the way gdb finds it: by build ID under
// /usr/lib/debug/.build-id, then by .gnu_debuglink next to the file, in
// its .debug directory and under /usr/lib/debug. Debug files keep the
// original's addresses, so the symbols apply unchanged.
func debugSymbols(ef *elf.File, path string) []elf.Symbol {
	root := procRootPrefix(path) // a container's own debug files
	var candidates []string
	if id := buildID(ef); len(id) > 1 {
		h := hex.EncodeToString(id)
		candidates = append(candidates, filepath.Join(root+debugRoot, ".build-id", h[:2], h[2:]+".debug"))
	}
	if sec := ef.Section(".gnu_debuglink"); sec != nil {
		if data, err := sec.Data(); err == nil {
			if i := bytes.IndexByte(data, 0); i > 0 {
				name := string(data[:i])
				dir := filepath.Dir(path)
				candidates = append(candidates,
					filepath.Join(dir, name),
					filepath.Join(dir, ".debug", name),
					filepath.Join(root+debugRoot, dir[len(root):], name))
			}
		}
	}
	for _, c := range candidates {
		if c == path {
			continue
		}
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
