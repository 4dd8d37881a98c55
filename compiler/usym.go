package compiler

import "errors"

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
