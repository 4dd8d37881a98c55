package compiler

import (
	"fmt"
	"strings"

	"sonde/types"
)

// User-space programs are typed from their DWARF debug info: in a uprobe,
// type names resolve in the traced binary first and in the kernel's BTF
// second, args.NAME and retval are typed by the function's prototype.
// Nothing is read from the binary until a script asks.

// UserTypes reads the types of user binaries from their debug info.
type UserTypes interface {
	// Binary returns the types of the binary at path, or nil when it has
	// no debug info. It may read the file on the first question only.
	Binary(path string) ProgramTypes
}

// ProgramTypes are one binary's types. Struct types it returns have User
// set, which tells its structs from the kernel's.
type ProgramTypes interface {
	KernelTypes
	// Func returns the prototype of the function at link-time address
	// addr (0: unknown), else of the function called name.
	Func(name string, addr uint64) (*FuncSig, error)
}

// typeSource is where type names resolve in inst: the kernel's BTF, under
// the traced binary's DWARF in user-space probes. Nil when neither exists.
func (c *compiler) typeSource(inst *instance) KernelTypes {
	kt := c.opts.KernelTypes
	if c.opts.UserTypes == nil || inst == nil || !inst.d.UserSpace || inst.p.Binary == "" {
		return kt
	}
	if src, ok := c.programTypes[inst.p.Binary]; ok {
		return src
	}
	var src KernelTypes = kt
	if pt := c.opts.UserTypes.Binary(inst.p.Binary); pt != nil {
		src = &layeredTypes{user: pt, kernel: kt}
	}
	if c.programTypes == nil {
		c.programTypes = map[string]KernelTypes{}
	}
	c.programTypes[inst.p.Binary] = src
	return src
}

// programFuncs is the traced binary's types in a user-space probe, or nil.
func (c *compiler) programFuncs(inst *instance) ProgramTypes {
	if l, ok := c.typeSource(inst).(*layeredTypes); ok {
		return l.user
	}
	return nil
}

// layeredTypes looks names up in a program's types, then the kernel's.
type layeredTypes struct {
	user   ProgramTypes
	kernel KernelTypes // nil: no BTF
	copies map[*types.Type]*types.Type
}

// inUserSpace gives a struct the script defines the address space of the
// probe: marked as the program's, its pointers point into the process.
func (l *layeredTypes) inUserSpace(t *types.Type) *types.Type {
	if t == nil {
		return nil
	}
	if c, ok := l.copies[t]; ok {
		return c
	}
	if l.copies == nil {
		l.copies = map[*types.Type]*types.Type{}
	}
	switch t.Kind {
	case types.Pointer, types.Array, types.Struct:
	default:
		return t
	}
	c := *t
	l.copies[t] = &c
	c.User = true
	c.Elem = l.inUserSpace(t.Elem)
	if t.Fields != nil {
		c.Fields = make([]types.Field, len(t.Fields))
		for i, f := range t.Fields {
			f.Type = l.inUserSpace(f.Type)
			c.Fields[i] = f
		}
	}
	return &c
}

func (l *layeredTypes) Type(name string) (*types.Type, error) {
	// A struct the script defines overrides the program's, as in bpftrace.
	if st, ok := l.kernel.(*scriptTypes); ok && st.decls[strings.Join(strings.Fields(name), " ")] != nil {
		t, err := st.Type(name)
		if err != nil {
			return nil, err
		}
		return l.inUserSpace(t), nil
	}
	t, err := l.user.Type(name)
	if err == nil || l.kernel == nil {
		return t, err
	}
	if kt, kerr := l.kernel.Type(name); kerr == nil {
		return kt, nil
	}
	return nil, err
}

func (l *layeredTypes) Field(t *types.Type, name string) (types.Field, error) {
	if t != nil && t.User {
		return l.user.Field(t, name)
	}
	if l.kernel == nil {
		return types.Field{}, fmt.Errorf("%s: kernel types are not available (no BTF)", t)
	}
	return l.kernel.Field(t, name)
}

func (l *layeredTypes) EnumValue(name string) (int64, *types.Type, bool) {
	if v, t, ok := l.user.EnumValue(name); ok {
		return v, t, true
	}
	if l.kernel == nil {
		return 0, nil, false
	}
	return l.kernel.EnumValue(name)
}

// userSig loads a uprobe's prototype from DWARF.
func (c *compiler) userSig(inst *instance) (*FuncSig, error) {
	pt := c.programFuncs(inst)
	if pt == nil {
		return nil, fmt.Errorf("args need the debug info of %s (build it with -g), which it does not have", inst.p.Binary)
	}
	if inst.p.Symbol == "" {
		return nil, fmt.Errorf("args are not available in a uprobe on an address")
	}
	return pt.Func(inst.p.Symbol, inst.p.Addr)
}

// structSource is where the members of st are: the program's types for
// its own structs, the kernel's for the rest.
func (c *compiler) structSource(inst *instance, st *types.Type) KernelTypes {
	if st != nil && !st.User {
		return c.opts.KernelTypes
	}
	return c.typeSource(inst)
}

// userRetval types retval in a uretprobe: the function's return type from
// DWARF when the binary has it and it fits a register, else u64.
func (ck *checker) userRetval() *types.Type {
	inst := ck.inst
	if !inst.sigDone {
		inst.sigDone = true
		inst.sig, inst.sigErr = ck.loadSig()
	}
	if inst.sig == nil || inst.sig.Return == nil || !regType(inst.sig.Return) {
		return types.Uint64
	}
	return inst.sig.Return
}
