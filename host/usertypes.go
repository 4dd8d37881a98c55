package host

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"

	"sonde/compiler"
	"sonde/kernel/dwarftypes"
)

// userTypes opens the DWARF of the binaries uprobes trace, once each, on
// the first question the compiler asks about one.
type userTypes struct {
	mu    sync.Mutex
	dirs  []string // --debuginfo
	files map[string]*dwarftypes.File
}

// Binary returns path's types, or nil when the file has no debug info.
func (u *userTypes) Binary(path string) compiler.ProgramTypes {
	f := u.file(path)
	if !f.HasDebugInfo() {
		return nil
	}
	return programTypes{f}
}

// file returns path's debug info, opened once.
func (u *userTypes) file(path string) *dwarftypes.File {
	u.mu.Lock()
	defer u.mu.Unlock()
	f, ok := u.files[path]
	if !ok {
		if u.files == nil {
			u.files = map[string]*dwarftypes.File{}
		}
		f = dwarftypes.Open(path, u.dirs...)
		u.files[path] = f
	}
	return f
}

// sourceLine splits a uprobe target BINARY@FILE (a probe on a source
// line) unless the whole is the name of a file.
func sourceLine(binary string) (bin, src string, ok bool) {
	i := strings.LastIndex(binary, "@")
	if i <= 0 || i == len(binary)-1 {
		return "", "", false
	}
	if _, err := os.Stat(binary); err == nil {
		return "", "", false
	}
	return binary[:i], binary[i+1:], true
}

// lineUprobe resolves BINARY@FILE:LINE through the DWARF line table.
func (u userSymbols) lineUprobe(bin, src, line string, pid int) ([]compiler.UprobeTarget, error) {
	n, err := strconv.Atoi(line)
	if err != nil || n <= 0 {
		return nil, fmt.Errorf("%s@%s:%s: a source-line probe is written BINARY@FILE:LINE", bin, src, line)
	}
	path, f, err := openBinary(bin, pid)
	if err != nil {
		return nil, err
	}
	addr, err := u.types.file(path).LineAddr(src, n)
	if err != nil {
		return nil, err
	}
	loc, err := f.Resolve(fmt.Sprintf("%#x", addr))
	if err != nil {
		return nil, symbolError(err, "function")
	}
	return []compiler.UprobeTarget{{Binary: path, Symbol: loc.Symbol, FileOffset: loc.FileOffset, Addr: loc.Addr}}, nil
}

// programTypes adapts a binary's DWARF to the compiler's questions.
type programTypes struct{ *dwarftypes.File }

func (p programTypes) Func(name string, addr uint64) (*compiler.FuncSig, error) {
	fn, err := p.File.Func(name, addr)
	if err != nil {
		return nil, err
	}
	sig := &compiler.FuncSig{Return: fn.Return}
	for _, prm := range fn.Params {
		sig.Params = append(sig.Params, compiler.FuncParam{Name: prm.Name, Type: prm.Type})
	}
	return sig, nil
}
