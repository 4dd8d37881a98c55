package lang

import (
	"strings"

	"sonde/agg"
)

// builtinNames are the builtin variables. The parser needs them for one
// reason: `(pid)*tid` is a multiplication, while `(myident)*$p` casts a
// dereference, as in bpftrace.
var builtinNames = map[string]bool{
	"pid": true, "tid": true, "uid": true, "gid": true, "nsecs": true,
	"elapsed": true, "cpu": true, "ncpus": true, "comm": true, "cgroup": true,
	"rand": true, "probe": true, "curtask": true, "ppid": true, "pcomm": true,
	"kstack": true, "ustack": true, "args": true, "retval": true, "func": true,
	"cpid": true, "ctx": true, "jiffies": true, "numaid": true, "username": true,
	"usermode": true, "probetype": true, "has_cpid": true, "leader_tid": true,
	"leader_comm": true, "dw_ustack": true,
}

// IsBuiltin reports whether name is a builtin variable (arg0..argN included).
func IsBuiltin(name string) bool {
	if builtinNames[name] {
		return true
	}
	if rest, ok := strings.CutPrefix(name, "arg"); ok && rest != "" {
		for _, c := range []byte(rest) {
			if c < '0' || c > '9' {
				return false
			}
		}
		return true
	}
	return false
}

// primitiveTypes are type names that are never expressions, so `(uint32)`
// and `sizeof(uint32)` are always types.
var primitiveTypes = map[string]bool{
	"int8": true, "int16": true, "int32": true, "int64": true,
	"uint8": true, "uint16": true, "uint32": true, "uint64": true,
	"bool": true, "string": true, "buffer": true, "inet": true, "void": true,
	"char": true, "short": true, "int": true, "long": true,
	"u8": true, "u16": true, "u32": true, "u64": true,
	"s8": true, "s16": true, "s32": true, "s64": true,
}

// looksLikeType reports whether a bare name is surely a type: a
// primitive or a C typedef by convention (pid_t, size_t).
func looksLikeType(name string) bool {
	return primitiveTypes[name] || strings.HasSuffix(name, "_t")
}

// isAggregation reports whether name is in the aggregation catalogue: its
// bare call is a statement that aggregates into a map (the declarative
// form).
func isAggregation(name string) bool {
	_, ok := agg.Lookup(name)
	return ok
}

// aggregationList names the aggregations for messages.
func aggregationList() string { return agg.List(agg.Names(), "") }
