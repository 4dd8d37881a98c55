// Package output is what every output format shares: decoded values and
// how bpftrace renders them as text and JSON, printf, strftime, and the
// Output contract a format implements. The formats are packages of their
// own: runtime/output/text (bpftrace's default) and runtime/output/ndjson
// (-f json). Maps reach them as runtime/mapdata values; how an
// aggregation's value prints is its catalogue entry's (package agg).
//
// The pieces, each in its own file:
//
//	Decode      bytes laid out per types.Type -> Value
//	Sprintf     bpftrace's printf (C-like, iostream semantics)
//	Output      the contract: Event, Map, Flush
//	AppendKey*  map keys and plain values, for formats
//	Strftime    strftime with bpftrace's %f, %k and %l extensions
//
// A runtime prints a map read from the kernel with
//
//	out := text.New(os.Stdout, os.Stderr, env) // or ndjson.New(os.Stdout, env)
//	out.Map(mapdata.Merge(info, raw), top, div)
//
// and a printf record (after its 8-byte action id) with
//
//	f := output.ParseFormat(action.Format) // once per action
//	buf = f.AppendRaw(buf[:0], action.Args, payload, env)
//	out.Event(output.Event{Kind: output.KindPrintf, Text: buf})
//
// At exit it sends a KindEnd event, calls out.Map for every map in name
// order, and out.Flush.
//
// Values that need the outside world to print (symbols, stacks, probe names,
// wall-clock time) are decoded to their raw numbers and resolved through an
// Env when printed.
package output
