package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// Enums the script defines: their names resolve as constants and values of
// their type print by name wherever a kernel enum would.
func TestE2EScriptEnums(t *testing.T) {
	runE2E(t, []e2eCase{
		{name: "names_in_printf_and_print",
			prog: `enum Color { RED, GREEN = 5, BLUE, }; BEGIN { printf("%d %s %s|%-6s|%6s|\n", GREEN, GREEN, BLUE, RED, BLUE); print(BLUE); }`,
			want: "5 GREEN BLUE|RED   |  BLUE|\nBLUE\n\n\n"},
		{name: "casts_known_and_unknown",
			prog: `enum Color { RED = 1, GREEN = 2 }; BEGIN { $n = 7; print((enum Color)2); print((enum Color)$n); }`,
			want: "GREEN\n7\n\n\n"},
		{name: "maps_tuples_and_arithmetic",
			prog: `enum { LOW = -1, MID, HIGH = 0x10 }; BEGIN { @k[MID] = HIGH; @t = (LOW, HIGH); @n[HIGH + 1] = LOW * 2; $v = MID; @v = $v; }`,
			want: "\n\n@k[MID]: HIGH\n@n[17]: -2\n@t: (LOW, HIGH)\n@v: MID\n"},
		{name: "an_enumerator_valued_by_another",
			prog: `enum Mode { READ = 4, WRITE = READ, EXEC }; BEGIN { printf("%d %s %d\n", WRITE, WRITE, EXEC); }`,
			want: "4 READ 5\n\n\n"},
	})
}

// Positional parameters are constants of the script: a numeric one goes
// wherever a literal must, str($N) is a string literal.
func TestE2EPositionalConstants(t *testing.T) {
	runE2E(t, []e2eCase{
		{name: "unroll_count", prog: `BEGIN { $a = 1; unroll ($1) { $a += 2; } printf("%d\n", $a); }`, args: []string{"3"},
			want: "7\n\n\n"},
		{name: "strncmp_and_buf_lengths", prog: `BEGIN { printf("%d\n", strncmp("hello", "help", $1)); @b = buf("hello", $2); }`, args: []string{"3", "2"},
			want: "0\n\n\n@b: he\n"},
		{name: "lhist_bounds", prog: `BEGIN { @h = lhist(5, $1, $2, $3); }`, args: []string{"0", "10", "5"},
			want: "\n\n@h:\n[5, 10)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n\n"},
		{name: "unsigned_hex_and_negative", prog: `BEGIN { printf("%lu %d %s %d\n", $1, $2, str($2), $#); }`, args: []string{"--", "0xffffffffffffffff", "-10"},
			want: "18446744073709551615 -10 -10 2\n\n\n"},
		{name: "kaddr_of_a_parameter", prog: `BEGIN { printf("%d\n", kaddr(str($1)) == kaddr("vfs_read")); }`, args: []string{"vfs_read"},
			want: "1\n\n\n"},
	})
}

// Options may follow the program (up to --), as getopt allows.
func TestE2EOptionsAfterProgram(t *testing.T) {
	runE2E(t, []e2eCase{
		{name: "no_warnings_drops_warnf", prog: `BEGIN { warnf("careful %d", 1); errorf("bad"); printf("%d\n", $1); exit(); }`,
			args: []string{"5", "--no-warnings"}, want: "5\n\n\n", errRe: `(?s)^Attached 1 probe\nstdin:1:\d+-\d+: ERROR: bad\n$`},
		{name: "negative_numbers_stay_arguments", prog: `BEGIN { printf("%d %d\n", $1, $2); exit(); }`,
			args: []string{"-3", "-q", "4"}, want: "-3 4\n\n\n", errRe: `^$`},
	})
}

// debugf writes through bpf_trace_printk to the kernel's trace buffer.
func TestE2EDebugf(t *testing.T) {
	needRoot(t)
	marker := fmt.Sprintf("sonde-debugf-%d", os.Getpid())
	prog := `BEGIN { $s = "str"; debugf("` + marker + ` %s %d %x", $s, -3, 255); debugf("` + marker + ` %c|%5s|", 65, "ab"); exit(); }`
	if _, stderr, code := sonde(t, "-e", prog); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	trace, err := os.ReadFile("/sys/kernel/tracing/trace")
	if err != nil {
		t.Skipf("no trace buffer: %v", err)
	}
	for _, want := range []string{"bpf_trace_printk: " + marker + " str -3 ff\n", "bpf_trace_printk: " + marker + " A|   ab|\n"} {
		if !strings.Contains(string(trace), want) {
			t.Errorf("trace buffer has no %q", want)
		}
	}
	_, stderr, code := sonde(t, "-e", `BEGIN { debugf("%d %d %d %d", 1, 2, 3, 4); }`)
	if code == 0 || !strings.Contains(stderr, "debugf() takes 1 to 4 arguments") {
		t.Errorf("4 arguments: exit %d, %s", code, stderr)
	}
}

// What probes print before the end probes run shows the maps as they were
// then; a dry run runs no probe at all.
func TestE2EEventsBeforeEnd(t *testing.T) {
	runE2E(t, []e2eCase{
		{name: "begin_print_before_end_assigns", prog: `BEGIN { @ = 5; print(@); printf("%d\n", @); } END { @ = 7; }`,
			want: "@: 5\n5\n\n\n@: 7\n"},
		{name: "dry_run_runs_no_begin_or_end", flags: []string{"--dry-run"},
			prog: `BEGIN { printf("hello\n"); @ = 1; } END { printf("end\n"); }`, want: ""},
	})
}

// --probe-filter keeps the probes whose name matches, and begin and end.
func TestE2EProbeFilter(t *testing.T) {
	runE2E(t, []e2eCase{
		{name: "keeps_matching_and_begin_end", flags: []string{"--probe-filter", "interval:ms:(200|300)"},
			prog: `BEGIN { printf("begin\n"); } interval:ms:100 { printf("bad\n"); exit(); } interval:ms:200 { printf("a\n"); } interval:ms:300 { printf("b\n"); exit(); } END { printf("end\n"); }`,
			want: "begin\na\nb\nend\n\n\n", errRe: `^Attached 4 probes\n$`},
		{name: "matching_nothing_fails", flags: []string{"--probe-filter", "^kprobe:"}, code: 1,
			prog:  `interval:ms:100 { exit(); }`,
			errRe: `error: no probe to attach: --probe-filter \^kprobe: matches none of the script's probes`},
	})
	_, stderr, code := sonde(t, "--probe-filter", "[bad", "-e", "BEGIN { }")
	if code != 2 || !strings.HasPrefix(stderr, `ERROR: Invalid --probe-filter regex "[bad"`) {
		t.Errorf("bad regex: exit %d, %s", code, stderr)
	}
}

// Counts and rates in attach points are integer literals as in the
// language: 1e6, 1_000.
func TestE2EAttachCountLiterals(t *testing.T) {
	runE2E(t, []e2eCase{
		{name: "exponent_and_underscores", prog: `software:cpu-clock:1e6 { @c = 1; } interval:ms:1_00 { exit(); }`,
			want: "\n\n@c: 1\n"},
	})
}

// Positional parameters may be part of an attach point, its probe type,
// or all of it.
func TestE2EPositionalAttachPoints(t *testing.T) {
	runE2E(t, []e2eCase{
		{name: "in_the_probe_type", prog: `BEG$1 { printf("%s\n", probe); }`, args: []string{"IN"}, want: "begin\n\n\n"},
		{name: "the_whole_attach_point", prog: `$1 { printf("%s\n", probe); }`, args: []string{"END"},
			want: "end\n\n\n"},
		{name: "with_its_parts", prog: `$1:$2 { @[probe] = count(); exit(); }`, args: []string{"interval", "ms:1"},
			re: `^\n\n@\[interval:ms:1\]: \d+\n$`},
		{name: "not_a_probe_type", prog: `$1 { exit(); }`, args: []string{"nope:x"}, code: 1,
			errRe: "error: unknown probe type `nope` \\(from \\$1\\)"},
	})
}

// A ternary used as a statement is an if/else: its branches need no value.
func TestE2ETernaryStatements(t *testing.T) {
	runE2E(t, []e2eCase{
		{name: "branches_without_values", prog: `BEGIN { $n = 2; $n > 1 ? printf("big\n") : printf("small\n"); $n == 1 ? printf("one\n") : $n == 2 ? printf("two\n") : printf("many\n"); $n < 0 ? exit() : @seen++; }`,
			want: "big\ntwo\n\n\n@seen: 1\n"},
	})
}

// Statements after exit(), return, break or continue never run: a warning
// says so, where they are.
func TestE2EUnreachableWarning(t *testing.T) {
	runE2E(t, []e2eCase{
		{name: "after_exit", prog: `BEGIN { @a = 1; exit(); @b = 2; }`, want: "\n\n@a: 1\n",
			errRe: `^stdin:1:25-31: WARNING: Unreachable statement: it follows one that ends the probe or loop\nAttached 1 probe\n$`},
		{name: "after_continue", prog: `BEGIN { for ($i : 0..2) { if ($i == 0) { continue; @x = 1; } @n++; } }`, want: "\n\n@n: 1\n",
			errRe: `^stdin:1:52-58: WARNING: Unreachable statement`},
		{name: "no_warnings", flags: []string{"--no-warnings"}, prog: `BEGIN { exit(); @b = 2; }`, want: "", errRe: `^Attached 1 probe\n$`},
	})
}
