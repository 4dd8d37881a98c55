package main

import (
	"strings"
	"testing"
)

// -d shows a compilation stage and exits, through the front door: the
// syntax tree, or the BPF with each statement's source text above its
// instructions (as cilium/ebpf listings show C lines). Neither needs root.
func TestDebugStages(t *testing.T) {
	const prog = `BEGIN { @x = count(); if (pid > 1) { exit(); } }`
	for _, c := range []struct {
		stage string
		want  []string
	}{
		{"asm", []string{"begin:\n", "\t  ; BEGIN\n", "\t  ; @x = count();\n", "\t  ; if (pid > 1) {\n", "\t  ; exit();\n"}},
		{"ast", []string{"(probe (attach BEGIN)", "(= @x (call count))", "(if (> pid 1)"}},
	} {
		out, errOut, code := sonde(t, "-d", c.stage, "-e", prog)
		if code != 0 {
			t.Fatalf("-d %s: exit %d\n%s", c.stage, code, errOut)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("-d %s: output lacks %q:\n%s", c.stage, w, out)
			}
		}
	}
}
