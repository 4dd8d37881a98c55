package kbtf

import (
	"testing"
)

// Cold benchmarks build a fresh Kernel per iteration, so each op includes
// loading the BTF index: the cost a script pays at startup.

func BenchmarkColdTaskStruct(b *testing.B) {
	liveKernel(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New().Type("struct task_struct"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkColdFunc(b *testing.B) {
	liveKernel(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New().Func("vfs_read"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkColdEnumValue(b *testing.B) {
	liveKernel(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, ok := New().EnumValue("TCP_FIN_WAIT1"); !ok {
			b.Fatal("TCP_FIN_WAIT1 not found")
		}
	}
}

func BenchmarkColdFunctions(b *testing.B) {
	liveKernel(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New().Functions("vfs_*"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWarmField(b *testing.B) {
	k, _ := liveKernel(b)
	task, err := k.Type("struct task_struct")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Field(task, "real_parent"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWarmFunc(b *testing.B) {
	k, _ := liveKernel(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Func("vfs_read"); err != nil {
			b.Fatal(err)
		}
	}
}
