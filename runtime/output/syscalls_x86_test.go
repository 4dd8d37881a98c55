package output

import "testing"

func TestSyscallNameOf(t *testing.T) {
	for nr, want := range map[int64]string{0: "read", 39: "getpid", 471: "rseq_slice_yield", 335: "uretprobe", 400: "400", 9999: "9999", -1: "-1"} {
		if got := SyscallNameOf(nr); got != want {
			t.Errorf("SyscallNameOf(%d) = %q, want %q", nr, got, want)
		}
	}
}
