package compiler_test

import (
	"errors"
	"fmt"
	"os"
	"path"
	"sort"
	"strings"
	"testing"

	"sonde/compiler"
	"sonde/internal/spell"
	"sonde/lang"
	"sonde/lang/diag"
	"sonde/types"
)

// The error corpus (testdata/corpus/errors.txt) holds scripts users really
// get wrong, each with the exact diagnostics sonde prints for it, rendered
// as the CLI renders them. Cases are separated by `---` lines; in each,
// a `====` line separates the script from its diagnostics. Every case
// must fail, every diagnostic must be positioned and its first line one
// line. The kernel is corpusFacts, so the corpus runs without root.
// go test ./compiler -run Corpus -update rewrites the expectations:
// review them with git diff.
func TestErrorCorpus(t *testing.T) {
	const file = "testdata/corpus/errors.txt"
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	chunks := strings.Split(string(data), "\n---\n")
	if len(chunks) < 100 {
		t.Errorf("the corpus has %d cases, want at least 100", len(chunks))
	}
	var out []string
	for i, chunk := range chunks {
		src := corpusScript(chunk)
		got := corpusDiagnostics(t, i+1, src)
		out = append(out, src+"\n====\n"+got)
		if _, want, _ := strings.Cut(chunk, "\n====\n"); !*update && strings.TrimRight(want, "\n") != strings.TrimRight(got, "\n") {
			t.Errorf("case %d:\n%s\ngot:\n%s\nwant:\n%s", i+1, src, got, want)
		}
	}
	if *update {
		if err := os.WriteFile(file, []byte(strings.Join(out, "\n---\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// corpusScript is the script part of a corpus case.
func corpusScript(chunk string) string {
	src, _, _ := strings.Cut(chunk, "\n====\n")
	return strings.TrimRight(src, "\n")
}

// corpusDiagnostics parses and compiles src as the CLI does and renders
// its diagnostics, checking that they are positioned one-liners.
func corpusDiagnostics(t *testing.T, n int, src string) string {
	t.Helper()
	prog, err := lang.Parse("test.sd", []byte(src))
	if err == nil {
		_, err = compiler.Compile(prog, compiler.Options{Facts: corpusFacts{}, KernelTypes: fakeKernel{},
			Symbols: fakeSymbols{}, UserSymbols: fakeSymbols{}, Env: func(string) string { return "" }})
	}
	if err == nil {
		t.Errorf("case %d compiles, but the corpus is of mistakes:\n%s", n, src)
		return ""
	}
	var list diag.List
	if !errors.As(err, &list) {
		t.Errorf("case %d: error without a position: %v", n, err)
		return err.Error()
	}
	for _, d := range list {
		if !d.Span.Start.IsValid() || strings.Contains(d.Error(), "\n") {
			t.Errorf("case %d: diagnostic unpositioned or of several lines: %q", n, d.Error())
		}
	}
	var b strings.Builder
	list.Render(&b, diag.Sources(map[string][]byte{"test.sd": []byte(src)}))
	return b.String()
}

// corpusFacts is a small kernel with real tracepoint layouts (from the
// format files of Linux 6.x): enough for the mistakes people make with
// the common ones.
type corpusFacts struct{}

var corpusTracepoints = map[string][]compiler.TracepointField{
	"syscalls:sys_enter_openat": {
		{Name: "__syscall_nr", Offset: 8, Size: 4, Type: types.Int32},
		{Name: "dfd", Offset: 16, Size: 8, Type: types.Int64},
		{Name: "filename", Offset: 24, Size: 8, Type: types.PointerTo(types.Int8, true)},
		{Name: "flags", Offset: 32, Size: 8, Type: types.Int64},
		{Name: "mode", Offset: 40, Size: 8, Type: types.Uint64},
	},
	"syscalls:sys_exit_openat": {
		{Name: "__syscall_nr", Offset: 8, Size: 4, Type: types.Int32},
		{Name: "ret", Offset: 16, Size: 8, Type: types.Int64},
	},
	"syscalls:sys_enter_read": {
		{Name: "__syscall_nr", Offset: 8, Size: 4, Type: types.Int32},
		{Name: "fd", Offset: 16, Size: 8, Type: types.Uint64},
		{Name: "buf", Offset: 24, Size: 8, Type: types.PointerTo(types.Int8, true)},
		{Name: "count", Offset: 32, Size: 8, Type: types.Uint64},
	},
	"syscalls:sys_exit_read": {
		{Name: "__syscall_nr", Offset: 8, Size: 4, Type: types.Int32},
		{Name: "ret", Offset: 16, Size: 8, Type: types.Int64},
	},
	"syscalls:sys_enter_execve": {
		{Name: "__syscall_nr", Offset: 8, Size: 4, Type: types.Int32},
		{Name: "filename", Offset: 16, Size: 8, Type: types.PointerTo(types.Int8, true)},
		{Name: "argv", Offset: 24, Size: 8, Type: types.PointerTo(types.PointerTo(types.Int8, true), true)},
		{Name: "envp", Offset: 32, Size: 8, Type: types.PointerTo(types.PointerTo(types.Int8, true), true)},
	},
	"sched:sched_switch": {
		{Name: "prev_comm", Offset: 8, Size: 16, Type: types.ArrayOf(types.Int8, 16)},
		{Name: "prev_pid", Offset: 24, Size: 4, Type: types.Int32},
		{Name: "prev_prio", Offset: 28, Size: 4, Type: types.Int32},
		{Name: "prev_state", Offset: 32, Size: 8, Type: types.Int64},
		{Name: "next_comm", Offset: 40, Size: 16, Type: types.ArrayOf(types.Int8, 16)},
		{Name: "next_pid", Offset: 56, Size: 4, Type: types.Int32},
		{Name: "next_prio", Offset: 60, Size: 4, Type: types.Int32},
	},
	"sched:sched_process_exit": {
		{Name: "comm", Offset: 8, Size: 16, Type: types.ArrayOf(types.Int8, 16)},
		{Name: "pid", Offset: 24, Size: 4, Type: types.Int32},
		{Name: "prio", Offset: 28, Size: 4, Type: types.Int32},
	},
}

// corpusNotFound is what the host's tracefs says of a tracepoint that
// does not exist: the message, and the closest name as a hint.
type corpusNotFound struct{ msg, hint string }

func (e *corpusNotFound) Error() string  { return e.msg }
func (e *corpusNotFound) Hinted() string { return e.hint }

func (corpusFacts) TracepointFields(group, event string) ([]compiler.TracepointField, error) {
	name := group + ":" + event
	if f, ok := corpusTracepoints[name]; ok {
		return f, nil
	}
	var names []string
	for n := range corpusTracepoints {
		names = append(names, n)
	}
	sort.Strings(names)
	hint := ""
	if s := spell.DidYouMean(name, names); s != "" {
		hint = fmt.Sprintf("did you mean %s?", s)
	}
	return nil, &corpusNotFound{msg: fmt.Sprintf("tracepoint %s does not exist", name), hint: hint}
}

func (corpusFacts) Tracepoints(pattern string) ([]string, error) {
	var out []string
	for n := range corpusTracepoints {
		if ok, _ := path.Match(pattern, n); ok {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out, nil
}

func (corpusFacts) NumCPUs() int { return 2 }
