// Package tracefs reads the kernel's tracing file system: where it is
// mounted, which tracepoints exist and what their records look like. It also
// lists probes for `sonde -l`.
package tracefs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// Well-known mount points, newest first. Kernels before 4.1 only have the
// debugfs one.
const (
	tracingDir      = "/sys/kernel/tracing"
	debugTracingDir = "/sys/kernel/debug/tracing"
)

var (
	mountMu sync.Mutex
	mounted string // cached result of a successful Mount
)

// Mount returns the directory where tracefs is mounted. When it is not
// mounted anywhere and we are root, it mounts it at /sys/kernel/tracing. The
// answer is cached, so later calls cost nothing.
func Mount() (string, error) {
	mountMu.Lock()
	defer mountMu.Unlock()
	if mounted != "" {
		return mounted, nil
	}
	for _, dir := range []string{tracingDir, debugTracingDir} {
		if isTracefs(dir) {
			mounted = dir
			return dir, nil
		}
	}
	if os.Geteuid() != 0 {
		return "", fmt.Errorf("tracefs is not mounted at %s, and mounting it needs root", tracingDir)
	}
	if err := unix.Mount("nodev", tracingDir, "tracefs", 0, ""); err != nil {
		return "", fmt.Errorf("mount tracefs at %s: %w", tracingDir, err)
	}
	if !isTracefs(tracingDir) {
		return "", fmt.Errorf("mounted tracefs at %s but it does not look like tracefs", tracingDir)
	}
	mounted = tracingDir
	return mounted, nil
}

// isTracefs reports whether dir is the root of a tracefs mount. statfs is one
// syscall, cheaper than scanning /proc/self/mountinfo. Old kernels serve the
// debugfs copy with debugfs' magic, so accept that too when the directory
// holds the events tree.
func isTracefs(dir string) bool {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return false
	}
	switch st.Type {
	case unix.TRACEFS_MAGIC:
		return true
	case unix.DEBUGFS_MAGIC:
		_, err := os.Stat(filepath.Join(dir, "events"))
		return err == nil
	}
	return false
}

// Path returns the path of a file inside tracefs, mounting it if needed.
func Path(elem ...string) (string, error) {
	root, err := Mount()
	if err != nil {
		return "", err
	}
	return filepath.Join(append([]string{root}, elem...)...), nil
}

// errBadName rejects names that would escape the events directory.
var errBadName = errors.New("invalid tracepoint name")

func checkName(s string) error {
	if s == "" || s == "." || s == ".." || strings.ContainsAny(s, "/\x00") {
		return fmt.Errorf("%w %q", errBadName, s)
	}
	return nil
}
