package stdlib

import (
	"fmt"
	"maps"
	"slices"
	"sonde/internal/spell"

	"github.com/cilium/ebpf/asm"

	"sonde/lang/ast"
	"sonde/types"
)

// nsecsClocks are the clocks nsecs(...) reads; boot is the default, as in
// bpftrace. sw_tai is the boot clock plus the TAI offset sonde measures at
// start, for kernels without bpf_ktime_get_tai_ns.
var nsecsClocks = map[string]asm.BuiltinFunc{
	"boot":      asm.FnKtimeGetBootNs,
	"monotonic": asm.FnKtimeGetNs,
	"tai":       asm.FnKtimeGetTaiNs,
	"sw_tai":    asm.FnKtimeGetBootNs,
}

func init() {
	addFuncs(&Func{Name: "nsecs", Bare: true, Min: 0, Max: 1,
		Doc:     "nsecs, nsecs(clock): nanoseconds from a clock: boot (the default), monotonic, tai or sw_tai",
		Example: `BEGIN { @m[nsecs(monotonic) > 0] = count(); @ = nsecs; @t = nsecs(tai); @s = nsecs(sw_tai); }`,
		Type:    typeNsecs, Gen: genNsecs})
}

func clockOf(call *ast.Call) string {
	if len(call.Args) == 0 {
		return "boot"
	}
	return call.Args[0].(*ast.Ident).Name
}

func typeNsecs(c Checker, call *ast.Call) *types.Type {
	if len(call.Args) == 1 {
		id, ok := call.Args[0].(*ast.Ident)
		if !ok || nsecsClocks[id.Name] == 0 {
			names := slices.Sorted(maps.Keys(nsecsClocks))
			hint := ""
			if ok {
				if s := spell.DidYouMean(id.Name, names); s != "" {
					hint = fmt.Sprintf("did you mean %s?", s)
				}
			}
			c.ErrorHint(call.Args[0], hint, "nsecs() takes a clock: boot, monotonic, tai or sw_tai")
			return nil
		}
	}
	return types.Uint64
}

func genNsecs(g Gen, call *ast.Call) Value {
	clock := clockOf(call)
	v := helperValue(nsecsClocks[clock])(g, types.Uint64)
	if clock == "sw_tai" {
		g.Global(GlobalTAIOffset)
		g.Emit(asm.Add.Reg(g.Reg(v), asm.R0))
	}
	return v
}
