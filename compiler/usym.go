package compiler

import (
	"errors"

	"sonde/lang/ast"
	"sonde/stdlib"
	"sonde/types"
)

// UserSymbol implements stdlib.Checker for uaddr().
func (ck *checker) UserSymbol(name string) (addr, size uint64, pie bool, err error) {
	us := ck.c.opts.UserSymbols
	if us == nil {
		return 0, 0, false, errors.New("user symbols are not available")
	}
	p := ck.inst.p
	a, err := us.Addr(p.Binary, name, 0)
	if err != nil {
		return 0, 0, false, err
	}
	if a.PIE {
		return a.Addr - p.Addr, a.Size, true, nil
	}
	return a.Addr, a.Size, false, nil
}

// StackType implements stdlib.Checker for kstack and ustack.
func (ck *checker) StackType(n ast.Node, user bool, args []ast.Expr) *types.Type {
	return ck.stackArgs(n, user, args)
}

// Stack implements stdlib.Gen for kstack and ustack.
func (g *gen) Stack(t *types.Type) stdlib.Value { return g.stackValue(t) }
