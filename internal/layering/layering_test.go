package layering

import (
	"bufio"
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// A rule: no package matching From may depend, directly or not, on a
// package matching any of Not (a trailing "/..." matches the subtree).
type rule struct {
	from string
	not  []string
	why  string
}

var rules = []rule{
	{"sonde/runtime/...", []string{"sonde/compiler/...", "sonde/stdlib/...", "sonde/lang", "sonde/lang/macro", "sonde/host/..."},
		"the runtime loads a plan; it must not link the code generator or the parser"},
	{"sonde/kernel/...", []string{"sonde/lang/...", "sonde/compiler/...", "sonde/runtime/..."},
		"kernel facts are read by the compiler and runtime, never the other way round"},
	{"sonde/lang/...", []string{"github.com/cilium/ebpf/...", "sonde/kernel/...", "sonde/compiler/...", "sonde/runtime/...", "sonde/host/...", "sonde/plan/..."},
		"lang knows syntax only"},
	{"sonde/plan", []string{"sonde/compiler/...", "sonde/stdlib/...", "sonde/runtime/...", "sonde/kernel/...", "sonde/host/...", "sonde/lang", "sonde/lang/diag", "sonde/lang/macro", "sonde/format/..."},
		"plan is a leaf: what every consumer of a compiled script reads"},
	{"sonde/stdlib/...", []string{"sonde/compiler/...", "sonde/runtime/...", "sonde/kernel/...", "sonde/host/...", "github.com/cilium/ebpf/link"},
		"the catalogue is written against the compiler's interfaces, not its code"},
	{"sonde/compiler/...", []string{"sonde/runtime/...", "sonde/host/...", "sonde/kernel/...", "github.com/cilium/ebpf/link"},
		"the compiler is deterministic and opens nothing: kernel facts reach it through an interface"},
	{"sonde/agg", []string{"github.com/cilium/ebpf/...", "sonde/plan", "sonde/lang/...", "sonde/compiler/...", "sonde/stdlib/...", "sonde/runtime/...", "sonde/kernel/...", "sonde/host/..."},
		"the aggregation catalogue is read by lang, the compiler, the map reader and every format: it knows none of them"},
	{"sonde/runtime/mapdata/...", []string{"sonde/runtime", "sonde/runtime/attach/...", "sonde/runtime/output/...", "sonde/kernel/..."},
		"map data is what formats and Go programs read; it knows neither the formats nor the kernel"},
	{"sonde/runtime/output/...", []string{"sonde/runtime", "sonde/runtime/attach/...", "sonde/kernel/..."},
		"an output format prints what the runtime hands it; it loads and attaches nothing"},
	{"sonde/internal/jsonenc", []string{"sonde/..."}, "JSON scalars are a leaf"},
	{"sonde/provider", []string{"sonde/...", "github.com/cilium/ebpf/..."},
		"the provider catalogue is facts that the parser, compiler, runtime and CLI all read: it links none of them"},
	{"sonde/types", []string{"sonde/..."}, "types is the bottom of the graph"},
	{"sonde/metrics", []string{"sonde/..."},
		"the Prometheus side works on its own model; metrics/mapsource adapts the runtime's maps to it"},
	{"sonde/metrics/mapsource", []string{"sonde/compiler/...", "sonde/stdlib/...", "sonde/lang", "sonde/lang/macro", "sonde/host/..."},
		"metrics read a running plan, as the runtime does"},
	{"sonde/...", []string{"github.com/prometheus/client_golang/..."},
		"client_golang's init registers collectors and calls getpid in every process that links it (the e2e workloads count getpid); metrics encodes with prometheus/common's expfmt"},
	{"sonde/runtime/...", []string{"github.com/prometheus/..."},
		"the runtime exposes maps (runtime.Live); serving them is the metrics package's job"},
	{"sonde/picture/flame", []string{"sonde/runtime/...", "sonde/plan", "sonde/types", "github.com/cilium/ebpf/..."},
		"the pictures draw a plain model: frames and counts, not BPF maps"},
	{"sonde/picture/report", []string{"sonde/runtime/...", "sonde/plan", "sonde/types", "github.com/cilium/ebpf/..."},
		"the pictures draw a plain model, not BPF maps"},
	{"sonde/cmd/...", []string{"github.com/chromedp/...", "sonde/internal/browser"},
		"the browser that checks the pictures is for tests; the binary must not link it"},
	{"sonde/picture/...", []string{"github.com/chromedp/...", "sonde/internal/browser"},
		"the browser that checks the pictures is for tests"},
	{"sonde", []string{"sonde/cmd/...", "sonde/internal/vmtest/...", "sonde/internal/progfuzz/..."},
		"the front door is a library: it links no command and no test tooling"},
}

func match(pattern, pkg string) bool {
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return pkg == base || strings.HasPrefix(pkg, base+"/")
	}
	return pkg == pattern
}

// deps lists, for every package of the module, the packages it depends on.
func deps(t *testing.T) map[string][]string {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`, "sonde/...").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	m := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) > 0 {
			m[f[0]] = f[1:]
		}
	}
	return m
}

func TestLayering(t *testing.T) {
	graph := deps(t)
	if len(graph) < 10 {
		t.Fatalf("go list found %d packages; the module is larger than that", len(graph))
	}
	for _, r := range rules {
		matched := false
		for pkg, ds := range graph {
			if !match(r.from, pkg) {
				continue
			}
			matched = true
			for _, d := range ds {
				for _, not := range r.not {
					if match(not, d) && !match(r.from, d) {
						t.Errorf("%s depends on %s: %s", pkg, d, r.why)
					}
				}
			}
		}
		if !matched {
			t.Errorf("rule for %s matches no package: update the rule", r.from)
		}
	}
}

// The rules must be able to fail: a graph that breaks one is caught.
func TestLayeringRuleMatches(t *testing.T) {
	for _, tc := range []struct {
		pattern, pkg string
		want         bool
	}{
		{"sonde/compiler/...", "sonde/compiler", true},
		{"sonde/compiler/...", "sonde/compilerx", false},
		{"sonde/lang", "sonde/lang/ast", false},
		{"sonde/lang/...", "sonde/lang/ast", true},
	} {
		if got := match(tc.pattern, tc.pkg); got != tc.want {
			t.Errorf("match(%q, %q) = %v", tc.pattern, tc.pkg, got)
		}
	}
}
