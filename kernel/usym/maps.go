package usym

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// ErrNoProcess is returned when a pid names no running process.
var ErrNoProcess = errors.New("no such process")

// Mapping is one line of /proc/PID/maps.
type Mapping struct {
	Start, End uint64 // virtual address range [Start, End)
	Offset     uint64 // file offset mapped at Start
	Exec       bool   // mapped executable
	Inode      uint64
	Path       string // as the process sees it; "" for anonymous memory
	Deleted    bool   // the file was replaced or removed since it was mapped
}

// fileBacked reports whether the mapping comes from a file on disk, as
// opposed to anonymous memory or a kernel-provided region like [vdso].
func (m Mapping) fileBacked() bool {
	return m.Inode != 0 && strings.HasPrefix(m.Path, "/")
}

// ReadMaps parses /proc/PID/maps, in address order.
func ReadMaps(pid int) ([]Mapping, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/maps", pid))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ESRCH) {
			return nil, fmt.Errorf("pid %d: %w", pid, ErrNoProcess)
		}
		return nil, err
	}
	return parseMaps(data)
}

func parseMaps(data []byte) ([]Mapping, error) {
	var out []Mapping
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		m, ok := parseMapsLine(sc.Text())
		if ok {
			out = append(out, m)
		}
	}
	return out, sc.Err()
}

// parseMapsLine reads "start-end perms offset dev inode   path".
func parseMapsLine(line string) (Mapping, bool) {
	var m Mapping
	f := strings.Fields(line)
	if len(f) < 5 {
		return m, false
	}
	lo, hi, ok := strings.Cut(f[0], "-")
	if !ok {
		return m, false
	}
	var err1, err2, err3, err4 error
	m.Start, err1 = strconv.ParseUint(lo, 16, 64)
	m.End, err2 = strconv.ParseUint(hi, 16, 64)
	m.Offset, err3 = strconv.ParseUint(f[2], 16, 64)
	m.Inode, err4 = strconv.ParseUint(f[4], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
		return m, false
	}
	m.Exec = len(f[1]) > 2 && f[1][2] == 'x'
	if len(f) > 5 {
		// The path may contain spaces: take everything after the inode.
		rest := line
		for range 5 {
			rest = strings.TrimLeft(rest, " \t")
			rest = rest[strings.IndexAny(rest, " \t"):]
		}
		m.Path = strings.TrimLeft(rest, " \t")
		if p, ok := strings.CutSuffix(m.Path, " (deleted)"); ok {
			m.Path, m.Deleted = p, true
		}
	}
	return m, true
}

// ProcessBinaries returns the ELF files a process has mapped executable
// (its program and every loaded library), as paths reachable from here,
// for probes like uprobe:*:func with -p.
func ProcessBinaries(pid int) ([]string, error) {
	maps, err := ReadMaps(pid)
	if err != nil {
		return nil, err
	}
	root, err := procRoot(pid)
	if err != nil {
		return nil, err
	}
	var out []string
	seen := map[string]bool{}
	for _, m := range maps {
		if m.Exec && m.fileBacked() && !seen[m.Path] {
			seen[m.Path] = true
			if isELF(root + m.Path) {
				out = append(out, root+m.Path)
			}
		}
	}
	return out, nil
}
