package stdlib

import (
	"sonde/lang/ast"
	"sonde/types"
)

// ActionKind is what an event record asks the runtime to do.
type ActionKind int

const (
	ActPrintf     ActionKind = iota // Format with Args
	ActPrintMap                     // print(@m [, Top [, Div]])
	ActPrintValue                   // print(value): Args has one field
	ActTime                         // time(Format)
	ActExit                         // exit([code]): Args has the code (int64) when given
	ActClear                        // clear(@m)
	ActZero                         // zero(@m)
	ActCat                          // cat(Format, args)
	ActSystem                       // system(Format, args)
	ActJoin                         // join(arr, Sep): Args holds the strings
	ActErrorf                       // errorf(Format, args)
	ActWarnf                        // warnf(Format, args)
	ActMapFull                      // unused: map-full counts travel through Plan.ErrorCounts
)

// Action describes one call site that sends events. Every record in the ring
// buffer starts with the 8-byte action id (the index into Plan.Actions),
// followed by a payload laid out as Args.
type Action struct {
	Kind   ActionKind
	Format string      // printf/cat/system/errorf/warnf format, time() format
	Args   *types.Type // a Tuple describing the payload after the id; nil if none
	Map    string      // print/clear/zero: the user map name ("@x")
	Top    int         // print(@m, top)
	Div    int         // print(@m, top, div)
	Sep    string      // join separator
	Pos    ast.Pos     // the call's source position, for errorf/warnf
	Source string      // the call as written, for diagnostics
}
