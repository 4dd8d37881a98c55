// Package output decodes the bytes the BPF programs store (map entries and
// ring-buffer records) and prints them exactly as bpftrace does, as text or
// as NDJSON.
//
// The pieces, each in its own file:
//
//	Decode      bytes laid out per types.Type -> Value
//	Sprintf     bpftrace's printf (C-like, iostream semantics)
//	MergeMap    per-CPU map values -> sorted, printable MapData
//	Output      the text and JSON writers
//	Strftime    strftime with bpftrace's %f, %k and %l extensions
//
// A runtime prints a map read from the kernel with
//
//	out := output.NewText(os.Stdout, os.Stderr, env) // or NewJSON(os.Stdout, env)
//	out.Map(output.MergeMap(info, keys, perCPUValues), top, div)
//
// and a printf record (after its 8-byte action id) with
//
//	f := output.ParseFormat(action.Format) // once per action
//	out.Printf(string(f.Append(nil, output.DecodeArgs(action.Args, payload), env)))
//
// At exit it calls out.End() and then out.Map for every map in name order.
//
// Values that need the outside world to print (symbols, stacks, probe names,
// wall-clock time) are decoded to their raw numbers and resolved through an
// Env when printed.
package output
