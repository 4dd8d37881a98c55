// Command vminit is PID 1 inside the throw-away QEMU VMs that
// sonde/internal/vmtest boots. It mounts the pseudo filesystems eBPF code
// needs, runs the payload (a `go test -c` binary) as a child, prints an exit
// marker with its status and powers the VM off.
//
// It has to be a separate binary from the payload: github.com/cilium/ebpf
// runs feature probes in package init functions (rlimit's memlock probe
// creates a map, which reads /proc/self/mountinfo looking for BPF tokens)
// and caches the results, so /proc, /sys and bpffs must be mounted before
// the payload process starts. Keep this binary free of cilium/ebpf.
//
// Its arguments come from the kernel command line: every word after "--"
// in -append becomes argv[1:] of /init:
//
//	-append "console=ttyS0 panic=-1 -- -C /pkg /payload -test.v"
//
// "-C DIR" (optional, first) sets the payload's working directory.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Marker starts every line vminit prints; the host parses "EXIT code=N".
const marker = "VMTEST"

func logf(format string, args ...any) {
	fmt.Printf(marker+" "+format+"\n", args...)
}

func uptime() string {
	b, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

func main() {
	mounts := []struct{ src, dst, fstype string }{
		{"proc", "/proc", "proc"},
		{"sysfs", "/sys", "sysfs"},
		{"devtmpfs", "/dev", "devtmpfs"},
		{"tracefs", "/sys/kernel/tracing", "tracefs"},
		{"debugfs", "/sys/kernel/debug", "debugfs"},
		{"bpffs", "/sys/fs/bpf", "bpf"},
		{"cgroup2", "/sys/fs/cgroup", "cgroup2"},
		{"tmpfs", "/tmp", "tmpfs"},
	}
	for _, m := range mounts {
		_ = os.MkdirAll(m.dst, 0o755)
		if err := unix.Mount(m.src, m.dst, m.fstype, 0, ""); err != nil && !errors.Is(err, unix.EBUSY) {
			logf("WARN mount %s on %s: %v", m.fstype, m.dst, err)
		}
	}
	var uts unix.Utsname
	_ = unix.Uname(&uts)
	logf("INIT kernel=%s uptime=%s", unix.ByteSliceToString(uts.Release[:]), uptime())

	argv := os.Args[1:]
	dir := "/"
	if len(argv) >= 2 && argv[0] == "-C" {
		dir, argv = argv[1], argv[2:]
	}
	if len(argv) == 0 {
		argv = []string{"/payload"}
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/bin:/usr/bin:/sbin:/usr/sbin", "HOME=/", "TMPDIR=/tmp"}
	start := time.Now()
	err := cmd.Run()
	code := 0
	if err != nil {
		code = -1
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else {
			logf("WARN run %v: %v", argv, err)
		}
	}
	logf("EXIT code=%d payload-time=%s uptime=%s", code, time.Since(start).Round(time.Millisecond), uptime())

	unix.Sync()
	// Powering off makes QEMU exit; failing that, a reboot does too under
	// -no-reboot.
	if err := unix.Reboot(unix.LINUX_REBOOT_CMD_POWER_OFF); err != nil {
		logf("WARN poweroff: %v", err)
	}
	_ = unix.Reboot(unix.LINUX_REBOOT_CMD_RESTART)
	select {}
}
