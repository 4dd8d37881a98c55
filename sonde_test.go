package sonde_test

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"sonde"
	"sonde/runtime/output"
)

// A real script in the kernel through the front door: events arrive as Go
// values, the maps are read while it runs and at the end, with their
// keys, aggregations and histogram buckets decoded.
func TestRunInKernel(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("loading BPF programs needs root")
	}
	const calls = 5
	script, err := sonde.Parse("calls.sd", []byte(`tracepoint:syscalls:sys_enter_getppid /pid == $1/ {
		@calls[comm] = count(); @h = hist(42); @l = lhist(7, 0, 10, 2); @avg = avg(-4);
		printf("call %d\n", $1);
	}`))
	if err != nil {
		t.Fatal(err)
	}
	pid := strconv.Itoa(os.Getpid())
	prog, err := sonde.Compile(script, sonde.Options{Args: []string{pid}})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var events []sonde.Event
	attached := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	run, err := prog.Start(ctx, sonde.RunOptions{Events: func(e sonde.Event) {
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
		if e.Kind == sonde.EventAttached {
			close(attached)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-attached:
	case <-time.After(10 * time.Second):
		t.Fatal("no EventAttached")
	}
	for i := 0; i < calls; i++ {
		syscall.Getppid()
	}
	// A snapshot while the script runs sees the calls.
	deadline := time.Now().Add(10 * time.Second)
	for {
		maps, err := run.Maps()
		if err != nil {
			t.Fatal(err)
		}
		if n := countOf(maps, "@calls"); n == calls {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("snapshot: @calls = %d, want %d", n, calls)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	res, err := run.Wait()
	if err != nil {
		t.Fatal(err)
	}
	comm, _ := os.ReadFile("/proc/self/comm")
	byName := map[string]sonde.Map{}
	for _, m := range res.Maps() {
		byName[m.Name] = m
	}
	if e := only(t, byName["@calls"]); e.Key != output.Str(strings.TrimSpace(string(comm))) || e.Value != output.U64(calls) {
		t.Errorf("@calls: %+v, want [%s]: %d", e, comm, calls)
	}
	if e := only(t, byName["@h"]); len(e.Buckets) != 1 || e.Buckets[0] != (sonde.Bucket{Min: 32, Max: 63, Count: calls}) {
		t.Errorf("@h buckets %+v, want [32, 63]: %d", e.Buckets, calls)
	}
	if e := only(t, byName["@l"]); len(e.Buckets) != 1 || e.Buckets[0] != (sonde.Bucket{Min: 6, Max: 7, Count: calls}) {
		t.Errorf("@l buckets %+v, want [6, 7]: %d", e.Buckets, calls)
	}
	if e := only(t, byName["@avg"]); e.Value != output.I64(-4) || e.Count != calls || e.Total != output.I64(-4*calls) {
		t.Errorf("@avg %+v, want -4 over %d values", e, calls)
	}
	mu.Lock()
	defer mu.Unlock()
	kinds := map[sonde.EventKind]int{}
	for _, e := range events {
		kinds[e.Kind]++
		if e.Kind == sonde.EventPrintf && e.Text != "call "+pid+"\n" {
			t.Errorf("printf event %q", e.Text)
		}
	}
	if kinds[sonde.EventPrintf] != calls || kinds[sonde.EventEnd] != 1 || kinds[sonde.EventMap] != 4 {
		t.Errorf("events by kind %v: want %d printf, one end, the 4 maps", kinds, calls)
	}
}

func countOf(maps []sonde.Map, name string) uint64 {
	for _, m := range maps {
		if m.Name == name && len(m.Entries) == 1 {
			if n, ok := m.Entries[0].Value.(output.Int); ok {
				return n.Bits
			}
		}
	}
	return 0
}

func only(t *testing.T, m sonde.Map) sonde.Entry {
	t.Helper()
	if len(m.Entries) != 1 {
		t.Fatalf("%s has %d entries, want 1", m.Name, len(m.Entries))
	}
	return m.Entries[0]
}

// Errors in the script come back as a *ScriptError that renders under the
// source, from Parse and from Compile alike.
func TestScriptErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"BEGIN { @x = ; }", "bad.sd:1:"},
		{"BEGIN { printf(\"%d\\n\", args.foo); }", "bad.sd:1:24: error: args is not available in begin probes\n" +
			"  1 | BEGIN { printf(\"%d\\n\", args.foo); }\n" +
			"    |                        ^~~~~~~~\n"},
	} {
		script, err := sonde.Parse("bad.sd", []byte(c.src))
		if err == nil {
			_, err = sonde.Compile(script, sonde.Options{AsWritten: true})
		}
		var se *sonde.ScriptError
		if !errors.As(err, &se) {
			t.Fatalf("%s: %v is not a *ScriptError", c.src, err)
		}
		var b strings.Builder
		se.Render(&b)
		if !strings.HasPrefix(b.String(), c.want) || !strings.Contains(b.String(), "|") {
			t.Errorf("%s: rendered\n%s\nwant it to start with\n%s", c.src, b.String(), c.want)
		}
	}
}
