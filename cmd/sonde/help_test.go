package main

import (
	"regexp"
	"strings"
	"testing"
)

// sonde help NAME prints one reference entry; sonde help lists them.
func TestHelp(t *testing.T) {
	for _, c := range []struct {
		name    string
		args    []string
		code    int
		stdout  string // regexp
		stderr  string // regexp
		entries int    // entries printed (one Example: each)
	}{
		{name: "function", args: []string{"printf"}, stdout: `^function printf\(fmt, args\.\.\.\)\n\n    Print formatted text.*\n\n    Example:\n\n        BEGIN \{ printf\(`, entries: 1},
		{name: "aggregation", args: []string{"hist"}, stdout: `^aggregation hist\(n \[, bits\]\)\n\n    Power-of-two histogram`, entries: 1},
		{name: "probe", args: []string{"kprobe"}, stdout: `^probe kprobe:\[MODULE:\]FUNCTION or kprobe:FUNCTION\+OFFSET\n    also: k\n\n    The entry of a kernel function`, entries: 1},
		{name: "probe_alias", args: []string{"kfunc"}, stdout: `^probe fentry:`, entries: 1},
		{name: "config", args: []string{"max_strlen"}, stdout: `^config = \{ max_strlen = N \}\n    also: strlen\n(?s:.*)    Default: 1024\.\n    Environment: BPFTRACE_MAX_STRLEN, BPFTRACE_STRLEN\.\n`, entries: 1},
		{name: "env_var", args: []string{"BPFTRACE_MAX_MAP_KEYS"}, stdout: `^config = \{ max_map_keys = N \}`, entries: 1},
		{name: "name_of_two_kinds", args: []string{"strlen"}, stdout: `^function strlen\(s\)\n(?s:.*)\n\nconfig = \{ max_strlen = N \}`, entries: 2},
		{name: "format", args: []string{"json"}, stdout: `^sonde -f json\n(?s:.*)        sonde -f json -e '`, entries: 1},
		{name: "variable", args: []string{"pid"}, stdout: `^variable pid\n\n    Process id`, entries: 1},
		{name: "unsafe_note", args: []string{"system"}, stdout: `\n    Needs --unsafe\.\n`, entries: 1},
		{name: "did_you_mean", args: []string{"prinft"}, code: 1,
			stderr: `^sonde: no builtin, function, probe type, config key or format named prinft; did you mean print or printf\?\n`},
		{name: "unknown", args: []string{"zzzzzzzz"}, code: 1, stderr: `named zzzzzzzz\n\(sonde help lists them all\)\n$`},
		{name: "two_names", args: []string{"a", "b"}, code: 2, stderr: `help takes one name`},
		{name: "index", stdout: `(?s)^Probe providers \(probe\):\n    begin end fentry .*\nBuiltin variables \(variable\):\n.*Functions \(function\):\n.*Aggregations \(aggregation\):\n    avg count hist lhist max min stats sum\nConfig keys \(config\):\n.*Output formats \(format\):\n    folded json text\n\nRun ` + "`sonde help NAME`"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut lockedBuffer
			code := run(append([]string{"help"}, c.args...), strings.NewReader(""), &out, &errOut)
			if code != c.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, c.code, errOut.String())
			}
			if c.stdout != "" && !regexp.MustCompile(c.stdout).MatchString(out.String()) {
				t.Errorf("stdout does not match %q:\n%s", c.stdout, out.String())
			}
			if c.stdout == "" && out.String() != "" {
				t.Errorf("stdout should be empty:\n%s", out.String())
			}
			if c.stderr != "" && !regexp.MustCompile(c.stderr).MatchString(errOut.String()) {
				t.Errorf("stderr does not match %q:\n%s", c.stderr, errOut.String())
			}
			if c.stderr == "" && errOut.String() != "" {
				t.Errorf("stderr should be empty:\n%s", errOut.String())
			}
			if n := strings.Count(out.String(), "    Example:\n"); c.entries > 0 && n != c.entries {
				t.Errorf("%d entries printed, want %d:\n%s", n, c.entries, out.String())
			}
		})
	}
}
