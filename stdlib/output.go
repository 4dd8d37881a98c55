package stdlib

import (
	"sonde/plan"

	"github.com/cilium/ebpf/asm"

	"sonde/format"
	"sonde/lang/ast"
	"sonde/types"
)

// Functions that talk to the user: each call site becomes an Action and
// every call sends one ring-buffer record the runtime acts on.

func init() {
	addFuncs(
		&Func{Name: "printf", Example: `BEGIN { printf("%s %d\n", comm, pid); }`, Doc: "printf(fmt, args...): print formatted text, with C-like conversions (%d, %s, %x, widths...)", Min: 1, Max: 64, Type: formatted, Gen: sendAction(plan.ActPrintf)},
		&Func{Name: "errorf", Example: `BEGIN { errorf("bad %d", 1); }`, Doc: "errorf(fmt, args...): print a formatted error with the script position", Min: 1, Max: 64, Type: formatted, Gen: sendAction(plan.ActErrorf)},
		&Func{Name: "warnf", Example: `BEGIN { warnf("odd %d", 1); }`, Doc: "warnf(fmt, args...): print a formatted warning with the script position", Min: 1, Max: 64, Type: formatted, Gen: sendAction(plan.ActWarnf)},
		&Func{Name: "cat", Example: `BEGIN { cat("/proc/%d/comm", pid); }`, Doc: "cat(fmt, args...): print the contents of a file named by a format", Min: 1, Max: 64, Type: formatted, Gen: sendAction(plan.ActCat)},
		&Func{Name: "system", Example: `BEGIN { system("echo %d", pid); }`, Doc: "system(fmt, args...): run a shell command named by a format", Min: 1, Max: 64, Unsafe: true, Type: formatted, Gen: sendAction(plan.ActSystem)},
		&Func{Name: "time", Example: `BEGIN { time("%H:%M\n"); }`, Doc: "time([fmt]): print the current local time (strftime format, default %H:%M:%S\\n)", Min: 0, Max: 1, Type: typeTime, Gen: sendAction(plan.ActTime)},
		&Func{Name: "exit", Example: `BEGIN { exit(3); }`, Doc: "exit([code]): stop tracing (with an exit code) after this probe run", Min: 0, Max: 1, Type: typeExit, Gen: genExit},
		&Func{Name: "print", Example: `BEGIN { @[1] = count(); print(@, 10, 2); print(comm); }`, Doc: "print(@m [, top [, div]]) or print(value): print a map (its top entries, values divided by div) or a value", Min: 1, Max: 3, Type: typePrint, Gen: genPrint},
	)
}

// SourceText is n as written, on one line (ast.SourceLine): how listings
// and diagnostics name a call site or a statement.
func SourceText(n ast.Node) string { return ast.SourceLine(n) }

// formatted types printf-style calls: a literal format then arguments.
func formatted(c Checker, call *ast.Call) *types.Type {
	lit, ok := call.Args[0].(*ast.StringLit)
	if !ok {
		c.Errorf(call.Args[0], "the format of %s() must be a string literal", call.Name)
		return nil
	}
	var ts []*types.Type
	for _, a := range call.Args[1:] {
		t := c.Expr(a)
		if t == nil {
			return nil
		}
		ts = append(ts, t)
	}
	if err := format.Check(lit.Value, ts); err != nil {
		c.Errorf(call.Args[0], "%s", err)
	}
	c.SetType(call.Args[0], types.StringType(len(lit.Value)+1))
	return types.VoidT
}

func typeTime(c Checker, call *ast.Call) *types.Type {
	if len(call.Args) == 1 {
		if _, ok := call.Args[0].(*ast.StringLit); !ok {
			c.Errorf(call.Args[0], "time() takes a literal format string")
		}
	}
	return types.VoidT
}

func typeExit(c Checker, call *ast.Call) *types.Type {
	if len(call.Args) == 1 {
		c.IntArg(call, 0)
	}
	if c.InLoop() {
		c.Errorf(call, "exit() is not allowed inside a loop")
	}
	return types.VoidT
}

func typePrint(c Checker, call *ast.Call) *types.Type {
	if m, ok := call.Args[0].(*ast.MapRef); ok && m.Keys == nil {
		for i := range call.Args[1:] {
			if c.IntArg(call, i+1) == nil {
				return nil
			}
		}
		return typeMapArg(c, call)
	}
	if len(call.Args) > 1 {
		c.Errorf(call.Args[1], "print() of a value takes one argument")
		return nil
	}
	if t := c.Expr(call.Args[0]); t == nil {
		return nil
	}
	return types.VoidT
}

// sendAction sends an event record whose payload is the call's arguments
// (after the format, for formatted calls).
func sendAction(kind plan.ActionKind) func(Gen, *ast.Call) Value {
	return func(g Gen, call *ast.Call) Value {
		a := &plan.Action{Kind: kind, Pos: call.Span().Start, End: call.Span().End, Source: SourceText(call)}
		args := call.Args
		switch kind {
		case plan.ActPrintf, plan.ActErrorf, plan.ActWarnf, plan.ActCat, plan.ActSystem:
			a.Format = args[0].(*ast.StringLit).Value
			args = args[1:]
		case plan.ActTime:
			a.Format = "%H:%M:%S\n"
			if len(args) == 1 {
				a.Format = args[0].(*ast.StringLit).Value
			}
			args = nil
		}
		g.SendEvent(a, args)
		return void
	}
}

// genExit asks the runtime to stop and ends this probe run, as bpftrace does.
func genExit(g Gen, call *ast.Call) Value {
	sendAction(plan.ActExit)(g, call)
	g.Emit(asm.Ja.Label(g.ExitLabel()))
	return void
}

func genPrint(g Gen, call *ast.Call) Value {
	if m, ok := call.Args[0].(*ast.MapRef); ok && m.Keys == nil {
		a := &plan.Action{Kind: plan.ActPrintMap, Map: "@" + m.Name, Source: SourceText(call)}
		params := call.Args[1:]
		literal := true
		for _, p := range params {
			_, ok := ast.ConstInt(p)
			literal = literal && ok
		}
		if !literal {
			// Computed at run time (getopt, variables): both travel in
			// the record, div defaulting to 0 (none).
			if len(params) == 1 {
				params = append(params, &ast.IntLit{At: call.At})
				g.SetTypeOf(params[1], types.Int64)
			}
			g.SendEvent(a, params)
			return void
		}
		if len(params) > 0 {
			n, _ := ast.ConstInt(params[0])
			a.Top = int(n)
		}
		if len(params) > 1 {
			n, _ := ast.ConstInt(params[1])
			a.Div = int(n)
		}
		g.SendEvent(a, nil)
		return void
	}
	return sendAction(plan.ActPrintValue)(g, call)
}

// voidValue is the value of a statement-only call.
type voidValue struct{}

func (voidValue) Type() *types.Type { return types.VoidT }

var void Value = voidValue{}
