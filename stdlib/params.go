package stdlib

import (
	"strconv"
	"strings"

	"sonde/lang/ast"
	"sonde/types"
)

// Compile-time functions: their value is known before the program loads.

func init() {
	addFuncs(
		&Func{Name: "getopt", Min: 1, Max: 3,
			Doc:     `getopt("name" [, default [, "description"]]): the named program parameter --name[=value] (after --); typed like default, bool without one; -- --help lists them with their descriptions`,
			Example: `BEGIN { if (getopt("verbose")) { printf("%d %s\n", getopt("num", 5), getopt("who", "me")); } }`,
			Type:    typeGetopt, Gen: genConst},
		&Func{Name: "cgroupid", Min: 1, Max: 1,
			Doc:     `cgroupid("/sys/fs/cgroup/path"): the id of a cgroup v2 directory, for comparing with cgroup`,
			Example: `tracepoint:syscalls:sys_enter_openat /cgroup == cgroupid("/sys/fs/cgroup/system.slice")/ { @ = count(); }`,
			Type:    typeCgroupid, Gen: genConst},
	)
}

// constant is what a compile-time function computed.
type constant struct {
	n int64
	s string
}

// genConst emits the value a compile-time function left in SetData.
func genConst(g Gen, call *ast.Call) Value {
	c := g.Data(call).(constant)
	t := g.TypeOf(call)
	if t.Kind == types.String {
		return g.StringLit(c.s, t)
	}
	return g.Imm(t, c.n)
}

func typeGetopt(c Checker, call *ast.Call) *types.Type {
	lit, ok := call.Args[0].(*ast.StringLit)
	if !ok || lit.Value == "" {
		c.Errorf(call.Args[0], "getopt() takes the parameter's name as a string literal")
		return nil
	}
	doc := ""
	if len(call.Args) == 3 {
		d, ok := call.Args[2].(*ast.StringLit)
		if !ok {
			c.Errorf(call.Args[2], "getopt()'s description must be a string literal")
			return nil
		}
		doc = d.Value
	}
	val, given := c.Param(lit.Value, doc)
	var def ast.Expr
	if len(call.Args) >= 2 {
		def = call.Args[1]
	}
	switch d := def.(type) {
	case *ast.StringLit:
		s := d.Value
		if given {
			s = val
		}
		c.SetData(call, constant{s: s})
		return types.StringType(len(s) + 1)
	case nil, *ast.BoolLit:
		b := false
		if d, ok := d.(*ast.BoolLit); ok {
			b = d.Value
		}
		if given {
			switch strings.ToLower(val) {
			case "", "true", "1":
				b = true
			case "false", "0":
				b = false
			default:
				c.ParamErrorf("program command line option --%s invalid boolean (value: %s)", lit.Value, val)
			}
		}
		n := int64(0)
		if b {
			n = 1
		}
		c.SetData(call, constant{n: n})
		return types.BoolT
	default:
		n, ok := ast.ConstInt(def)
		if !ok {
			c.Errorf(def, "getopt() default must be an integer, string or bool literal")
			return nil
		}
		if given {
			v, err := strconv.ParseInt(val, 0, 64)
			if err != nil {
				// Past int64: the unsigned 64-bit value (0xffffffffffffffff).
				u, uerr := strconv.ParseUint(val, 0, 64)
				if uerr == nil {
					c.SetData(call, constant{n: int64(u)})
					return types.Uint64
				}
				c.ParamErrorf("program command line option --%s invalid integer (value: %s)", lit.Value, val)
				v = n
			}
			n = v
		}
		c.SetData(call, constant{n: n})
		return types.Int64
	}
}

func typeCgroupid(c Checker, call *ast.Call) *types.Type {
	lit, ok := call.Args[0].(*ast.StringLit)
	if !ok {
		c.Errorf(call.Args[0], "cgroupid() takes a literal path")
		return nil
	}
	id, err := c.CgroupID(lit.Value)
	if err != nil {
		c.Errorf(lit, "cgroupid: %v", err)
		return nil
	}
	c.SetData(call, constant{n: int64(id)})
	return types.Uint64
}
