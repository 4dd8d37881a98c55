package stdlib

import (
	"github.com/cilium/ebpf/asm"

	"sonde/lang/ast"
	"sonde/types"
)

func init() {
	addFuncs(
		&Func{Name: "strcontains", Min: 2, Max: 2,
			Doc:     `strcontains(haystack, "needle"): whether the string contains the literal needle`,
			Example: `tracepoint:syscalls:sys_enter_openat /strcontains(str(args.filename), "passwd")/ { @[comm] = count(); }`,
			Type:    typeStrcontains, Gen: genStrcontains},
		&Func{Name: "strstr", Min: 2, Max: 2,
			Doc:     `strstr(haystack, "needle"): the index of the literal needle in the string, or -1`,
			Example: `tracepoint:syscalls:sys_enter_openat { @[strstr(str(args.filename), "/")] = count(); }`,
			Type:    typeStrstr, Gen: genStrstr},
	)
}

func typeStrstr(c Checker, call *ast.Call) *types.Type {
	if typeStrcontains(c, call) == nil {
		return nil
	}
	return types.Int64
}

// genStrstr is genStrcontains answering with the position.
func genStrstr(g Gen, call *ast.Call) Value {
	return search(g, call, types.Int64, -1, func(i int) int64 { return int64(i) })
}

func typeStrcontains(c Checker, call *ast.Call) *types.Type {
	t := c.Expr(call.Args[0])
	if t != nil && t.Kind != types.String {
		c.Errorf(call.Args[0], "strcontains() needs a string, not %s", t)
	}
	if _, ok := call.Args[1].(*ast.StringLit); !ok {
		// A literal needle lets the search unroll with constant offsets,
		// which the verifier checks quickly.
		c.Errorf(call.Args[1], "strcontains() takes a literal needle")
		return nil
	}
	return types.BoolT
}

// genStrcontains compares the needle at every start position of the
// haystack, unrolled; the search stops at the haystack's NUL.
func genStrcontains(g Gen, call *ast.Call) Value {
	return search(g, call, types.BoolT, 0, func(int) int64 { return 1 })
}

// search looks for the literal needle at every start position of the
// haystack, unrolled with constant offsets, and stops at the haystack's
// NUL. The result is found(i) for a match at i, else missing.
func search(g Gen, call *ast.Call, t *types.Type, missing int64, found func(i int) int64) Value {
	needle := call.Args[1].(*ast.StringLit).Value
	hay := g.Expr(call.Args[0])
	size := g.TypeOf(call.Args[0]).Size
	if needle != "" && size > unrollSearch {
		v := g.SearchLoop(hay, size, needle, found(1) != found(0), missing)
		g.Free(hay)
		return g.WithType(v, t)
	}
	res := g.NewValue(t)
	r := g.Reg(res)
	done := g.NewLabel("searchdone")
	g.Emit(asm.Mov.Imm(r, int32(missing)))
	if needle == "" {
		g.Emit(asm.Mov.Imm(r, int32(found(0))), asm.Ja.Label(done))
	}
	b, off := g.Base(g.Mem(hay), asm.R5)
	for i := 0; needle != "" && i+len(needle) <= size; i++ {
		next := g.NewLabel("next")
		g.Emit(asm.LoadMem(asm.R1, b, off+int16(i), asm.Byte), asm.JEq.Imm(asm.R1, 0, done))
		for k := 0; k < len(needle); k++ {
			if k > 0 {
				g.Emit(asm.LoadMem(asm.R1, b, off+int16(i+k), asm.Byte))
			}
			g.Emit(asm.JNE.Imm(asm.R1, int32(needle[k]), next))
		}
		g.Emit(asm.Mov.Imm(r, int32(found(i))), asm.Ja.Label(done))
		g.Bind(next)
	}
	g.Bind(done)
	g.Emit(asm.Mov.Reg(r, r))
	g.Free(hay)
	return res
}

// unrollSearch is the largest haystack searched by unrolled code; longer
// ones (a default str() is 1024 bytes) use Gen.SearchLoop.
const unrollSearch = 128
