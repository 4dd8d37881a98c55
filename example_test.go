package sonde_test

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	"sonde"
	"sonde/runtime/output"
)

// Count the files each process opens until Ctrl-C, then read the counts as
// Go values. Loading BPF programs needs root (or CAP_BPF and CAP_PERFMON),
// so this example is compiled but not run by go test; TestRunInKernel runs
// the same calls in the kernel.
func Example() {
	script, err := sonde.Parse("opens.sd", []byte(`tracepoint:syscalls:sys_enter_openat { @opens[comm] = count(); }`))
	if err != nil {
		panic(err)
	}
	prog, err := sonde.Compile(script, sonde.Options{})
	if err != nil {
		panic(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	// Quiet: no banner. The maps are printed at the end too, as sonde does.
	res, err := prog.Run(ctx, sonde.RunOptions{Quiet: true})
	if err != nil {
		panic(err)
	}
	for _, m := range res.Maps() {
		for _, e := range m.Entries {
			fmt.Printf("%s %v\n", e.Key.(output.String).S, e.Value.(output.Int).Bits)
		}
	}
}

// A script error points at the script: Render prints the line with a caret
// under the span, and the hint. This one runs without privileges.
func ExampleScriptError() {
	script, err := sonde.Parse("stdin", []byte(`BEGIN { @n = cuont(); }`))
	if err == nil {
		_, err = sonde.Compile(script, sonde.Options{AsWritten: true})
	}
	if se, ok := err.(*sonde.ScriptError); ok {
		se.Render(os.Stdout)
	}
	// Output:
	// stdin:1:14: error: unknown function cuont()
	//   1 | BEGIN { @n = cuont(); }
	//     |              ^~~~~~~
	//   = hint: did you mean count()?
}
