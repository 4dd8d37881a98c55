package compiler_test

import (
	"os"
	"testing"

	"github.com/cilium/ebpf"

	"sonde/compiler"
	"sonde/lang"
)

// BenchmarkAggregationInKernel measures the in-kernel cost per event of
// aggregation updates with BPF_PROG_TEST_RUN (repeat done by the kernel),
// running the compiled instructions as a socket filter. ns/op is the
// kernel's per-run time. Keyless count/sum are per-CPU arrays with a set
// word; "keyless_as_hash" runs the same update on a per-CPU hash with one
// key (the alternative representation) for comparison.
func BenchmarkAggregationInKernel(b *testing.B) {
	if os.Geteuid() != 0 {
		b.Skip("needs root to load BPF programs")
	}
	for _, c := range []struct{ name, src string }{
		{"floor", `BEGIN { $x = 1; }`},
		{"keyless_count", `BEGIN { @ = count(); }`},
		{"keyless_as_hash", `BEGIN { @[0] = count(); }`},
		{"keyed_count", `BEGIN { @[1] = count(); }`},
		{"keyless_sum", `BEGIN { @ = sum(3); }`},
	} {
		b.Run(c.name, func(b *testing.B) {
			prog, err := lang.Parse("bench.sd", []byte(c.src))
			if err != nil {
				b.Fatal(err)
			}
			spec, err := compiler.Compile(prog, compiler.Options{Facts: fakeFacts{}, Env: func(string) string { return "" }})
			if err != nil {
				b.Fatal(err)
			}
			cs := &ebpf.CollectionSpec{Maps: map[string]*ebpf.MapSpec{}, Programs: map[string]*ebpf.ProgramSpec{}}
			for _, m := range spec.Maps {
				m = m.Copy()
				cs.Maps[m.Name] = m
			}
			ps := spec.Programs[0].Spec.Copy()
			ps.Type, ps.AttachType, ps.AttachTo = ebpf.SocketFilter, ebpf.AttachNone, ""
			cs.Programs["p"] = ps
			coll, err := ebpf.NewCollection(cs)
			if err != nil {
				b.Fatal(err)
			}
			defer coll.Close()
			b.ResetTimer()
			_, d, err := coll.Programs["p"].Benchmark(make([]byte, 64), b.N, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(d.Nanoseconds()), "kns/op")
		})
	}
}
