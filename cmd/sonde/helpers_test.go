package main

import (
	"bytes"
	"fmt"
	"os"
	goruntime "runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"sonde/runtime"
)

// The test binary doubles as the workload: with SONDE_WORKLOAD set it does
// exactly what the variable says and exits, so tests know the exact counts.
func TestMain(m *testing.M) {
	runtime.MaybeExecChild()
	if w := os.Getenv("SONDE_WORKLOAD"); w != "" {
		os.Exit(workload(w))
	}
	os.Exit(m.Run())
}

// workload runs "getpid:N", "getppid:N" (which the Go runtime never calls,
// unlike getpid for its preemption signals), "read:N:BYTES", "pread:N:BYTES"
// (from /dev/zero at offset 4242, a marker for probes), "open:N:PATH",
// "socket:N:FAMILY" (FAMILY a number, a UDP socket), "mark:PATH" (write
// the pid to PATH), "sleep:MS" steps separated by ",".
func workload(spec string) int {
	for _, step := range strings.Split(spec, ",") {
		f := strings.Split(step, ":")
		n := 0
		if len(f) > 1 {
			n, _ = strconv.Atoi(f[1])
		}
		switch f[0] {
		case "getpid":
			for i := 0; i < n; i++ {
				syscall.Syscall(syscall.SYS_GETPID, 0, 0, 0)
			}
		case "getppid":
			for i := 0; i < n; i++ {
				syscall.Syscall(syscall.SYS_GETPPID, 0, 0, 0)
			}
		case "read", "pread":
			size, _ := strconv.Atoi(f[2])
			fd, err := syscall.Open("/dev/zero", syscall.O_RDONLY, 0)
			if err != nil {
				return 1
			}
			buf := make([]byte, size)
			for i := 0; i < n; i++ {
				if f[0] == "pread" {
					syscall.Pread(fd, buf, preadMarker)
				} else {
					syscall.Read(fd, buf)
				}
			}
			syscall.Close(fd)
		case "open":
			for i := 0; i < n; i++ {
				fd, err := syscall.Open(f[2], syscall.O_RDONLY, 0)
				if err == nil {
					syscall.Close(fd)
				}
			}
		case "mark":
			tmp := f[1] + ".tmp"
			if os.WriteFile(tmp, []byte(strconv.Itoa(os.Getpid())), 0o644) != nil || os.Rename(tmp, f[1]) != nil {
				return 1
			}
		case "socket":
			family, _ := strconv.Atoi(f[2])
			for i := 0; i < n; i++ {
				if fd, err := syscall.Socket(family, syscall.SOCK_DGRAM, 0); err == nil {
					syscall.Close(fd)
				}
			}
		case "sleep":
			time.Sleep(time.Duration(n) * time.Millisecond)
		case "getppid-rate":
			// getppid-rate:PER_SECOND:MS (0 per second: as fast as it
			// can), the count written to $SONDE_WORKLOAD_OUT (soak_test.go).
			// An optional :THREADS splits the rate over that many threads.
			ms, _ := strconv.Atoi(f[2])
			threads := 1
			if len(f) > 3 {
				threads, _ = strconv.Atoi(f[3])
			}
			counts := make(chan uint64)
			for range threads {
				go func() {
					goruntime.LockOSThread()
					counts <- paced(n/threads, time.Duration(ms)*time.Millisecond)
				}()
			}
			var calls uint64
			for range threads {
				calls += <-counts
			}
			os.WriteFile(os.Getenv("SONDE_WORKLOAD_OUT"), []byte(strconv.FormatUint(calls, 10)), 0o644)
		}
	}
	return 0
}

// preadMarker is the offset of the workload's preads, for probes to pick
// them out: nothing else reads at it.
const preadMarker = 4242

// workloadCmd is a -c command line running the test binary as a workload.
func workloadCmd(t *testing.T, spec string) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("env SONDE_WORKLOAD=%s %s", spec, exe)
}

func needRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to load BPF programs")
	}
}

// sonde runs the CLI in-process and returns stdout, stderr and the exit code.
func sonde(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), code
}

// paced calls getppid perSec times a second (unpaced when 0) for d and
// returns how many calls it made.
func paced(perSec int, d time.Duration) uint64 {
	start := time.Now()
	var calls uint64
	for {
		el := time.Since(start)
		if el >= d {
			return calls
		}
		target := calls + 1000
		if perSec > 0 {
			target = uint64(el.Seconds() * float64(perSec))
			if calls >= target {
				time.Sleep(200 * time.Microsecond)
				continue
			}
		}
		for ; calls < target; calls++ {
			syscall.Syscall(syscall.SYS_GETPPID, 0, 0, 0)
		}
	}
}
