package main

import (
	"strings"
	"testing"
)

// Command-line mistakes get one ERROR line worded as bpftrace words it
// (scripts and wrappers match on them), and usage errors the USAGE text.
func TestCLIErrors(t *testing.T) {
	for _, c := range []struct {
		name  string
		args  []string
		code  int
		line  string // a line stderr must hold
		usage bool   // stderr ends with the usage text
	}{
		{"pid_not_a_number", []string{"-p", "a1111", "-e", "BEGIN {}"}, 2, "ERROR: Failed to parse pid: invalid integer: a1111", true},
		{"pid_trailing_bytes", []string{"-p", "111a1", "-e", "BEGIN {}"}, 2, "ERROR: Failed to parse pid: invalid trailing bytes: 111a1", true},
		{"pid_word", []string{"--pid", "not_a_pid", "-e", "BEGIN {}"}, 2, "ERROR: Failed to parse pid: invalid integer: not_a_pid", true},
		{"pid_out_of_range", []string{"-p", "5000000", "-e", "BEGIN {}"}, 2, "ERROR: Pid out of range: 5000000", true},
		{"pid_zero", []string{"-p", "0", "-e", "BEGIN {}"}, 2, "ERROR: Pid out of range: 0", true},
		{"bad_format", []string{"-f", "jsonx", "-e", "BEGIN {}"}, 2, `ERROR: Invalid output format "jsonx"`, true},
		{"unknown_flag", []string{"-idonotexist"}, 2, "ERROR: unknown option -idonotexist", true},
		{"named_parameter_before_double_dash", []string{"-e", "BEGIN {}", "--aa=20"}, 2, "ERROR: unknown option --aa=20", true},
		{"missing_script_file", []string{"testdata/no_such_script.bt"}, 1, "ERROR: failed to open file 'testdata/no_such_script.bt': No such file or directory", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, stderr, code := sonde(t, c.args...)
			if code != c.code {
				t.Errorf("exit code %d, want %d", code, c.code)
			}
			if !hasLine(stderr, c.line) {
				t.Errorf("stderr has no line %q:\n%s", c.line, stderr)
			}
			if got := strings.HasSuffix(stderr, usage); got != c.usage {
				t.Errorf("usage printed: %v, want %v:\n%s", got, c.usage, stderr)
			}
		})
	}
}

func TestCLIHelpSaysUsage(t *testing.T) {
	stdout, _, code := sonde(t, "-h")
	if code != 0 || !hasLine(stdout, "USAGE:") || !hasLine(stdout, "OPTIONS:") {
		t.Errorf("-h: code %d, output:\n%s", code, stdout)
	}
}

func hasLine(s, line string) bool {
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) == line {
			return true
		}
	}
	return false
}
