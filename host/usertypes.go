package host

import (
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
	u.mu.Lock()
	f, ok := u.files[path]
	if !ok {
		if u.files == nil {
			u.files = map[string]*dwarftypes.File{}
		}
		f = dwarftypes.Open(path, u.dirs...)
		u.files[path] = f
	}
	u.mu.Unlock()
	if !f.HasDebugInfo() {
		return nil
	}
	return programTypes{f}
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
