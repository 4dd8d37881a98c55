package usym

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Sentinels for binary resolution; test with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrNotELF   = errors.New("not an ELF file")
)

// TargetError explains why a probe's binary could not be resolved.
type TargetError struct {
	Target string // what the script wrote
	Reason string // plain words: "no such file in PATH"
	Err    error  // ErrNotFound, ErrNotELF, ErrNoProcess or an I/O error
}

func (e *TargetError) Error() string { return fmt.Sprintf("uprobe target %q: %s", e.Target, e.Reason) }
func (e *TargetError) Unwrap() error { return e.Err }

// libDirs are searched for libraries ldconfig has not cached, in the
// order the dynamic linker's built-in search path uses.
var libDirs = []string{
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
	"/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
	"/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib",
}

// ResolveBinary turns the binary of a probe (the BIN in uprobe:BIN:func)
// into the path to attach to.
//
// A name with a slash is a path (relative ones are made absolute). A bare
// name is looked up in PATH ("bash"), then as a library through the
// dynamic linker cache and the standard library directories ("libc",
// "c", "libc.so", "libc.so.6", "libpthread"). With pid > 0 the process's
// own mappings are searched first, and paths are seen through
// /proc/PID/root so that binaries inside a container resolve.
func ResolveBinary(name string, pid int) (string, error) {
	if name == "" {
		return "", &TargetError{name, "empty binary name", ErrNotFound}
	}
	root := ""
	if pid > 0 {
		var err error
		if root, err = procRoot(pid); errors.Is(err, ErrNoProcess) {
			return "", &TargetError{name, fmt.Sprintf("process %d is not running", pid), err}
		} else if err != nil {
			return "", &TargetError{name, err.Error(), err}
		}
	}
	if strings.Contains(name, "/") {
		p := name
		if root == "" {
			var err error
			if p, err = filepath.Abs(name); err != nil {
				return "", &TargetError{name, err.Error(), err}
			}
		} else if !filepath.IsAbs(p) {
			// A relative path means the target's working directory.
			p = filepath.Join(fmt.Sprintf("/proc/%d/cwd", pid), p)
		} else {
			p = root + p
		}
		return found(name, p)
	}
	if pid > 0 {
		if p, ok := findInMaps(pid, name); ok {
			return found(name, root+p)
		}
	}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			if p, err = filepath.Abs(p); err != nil {
				return "", &TargetError{name, err.Error(), err}
			}
			return found(name, p)
		}
	}
	if p, ok := findLibrary(name); ok {
		return p, nil
	}
	if looksLikeLibrary(name) {
		return "", &TargetError{name, "no such library in " + LDCachePath + " or the library directories", ErrNotFound}
	}
	return "", &TargetError{name, "no such file in PATH", ErrNotFound}
}

// procRoot returns the prefix that makes the process's paths reachable
// from here: "" when it shares our root, else "/proc/PID/root".
func procRoot(pid int) (string, error) {
	root := fmt.Sprintf("/proc/%d/root", pid)
	st, err := os.Stat(root)
	if err != nil {
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); err != nil {
			return "", fmt.Errorf("pid %d: %w", pid, ErrNoProcess)
		}
		return "", fmt.Errorf("process %d: cannot read its root: %w", pid, err)
	}
	if ours, err := os.Stat("/"); err == nil && os.SameFile(st, ours) {
		return "", nil
	}
	return root, nil
}

// findInMaps finds a file mapped by the process whose base name is name
// or, for a library name, whose soname matches.
func findInMaps(pid int, name string) (string, bool) {
	maps, err := ReadMaps(pid)
	if err != nil {
		return "", false
	}
	for _, m := range maps {
		if m.fileBacked() && filepath.Base(m.Path) == name {
			return m.Path, true
		}
	}
	for _, m := range maps {
		if m.fileBacked() && libraryMatches(filepath.Base(m.Path), name) {
			return m.Path, true
		}
	}
	return "", false
}

// findLibrary looks a library name up the way a user means it.
func findLibrary(name string) (string, bool) {
	for _, e := range systemLDCache() {
		if e.native() && libraryMatches(e.Soname, name) {
			return e.Path, true
		}
	}
	for _, dir := range libDirs {
		ents, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, ent := range ents {
			p := filepath.Join(dir, ent.Name())
			if libraryMatches(ent.Name(), name) && isELF(p) {
				return p, true
			}
		}
	}
	return "", false
}

// libraryMatches reports whether the file or soname base is what the user
// meant by name: "libc.so.6" exactly, "libc.so" and "libc" and "c" as
// prefixes of a versioned soname.
func libraryMatches(base, name string) bool {
	if strings.Contains(name, ".so") {
		return base == name || strings.HasPrefix(base, name+".")
	}
	if !strings.HasPrefix(name, "lib") {
		name = "lib" + name
	}
	return base == name+".so" || strings.HasPrefix(base, name+".so.")
}

func looksLikeLibrary(name string) bool {
	return strings.HasPrefix(name, "lib") || strings.Contains(name, ".so")
}

// checkELF gives a plain reason when p cannot be probed.
func checkELF(target, p string) error {
	f, err := os.Open(p)
	if err != nil {
		switch {
		case errors.Is(err, os.ErrNotExist):
			return &TargetError{target, "no such file", ErrNotFound}
		case errors.Is(err, os.ErrPermission):
			return &TargetError{target, "permission denied", err}
		}
		return &TargetError{target, err.Error(), err}
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return &TargetError{target, "is a directory", ErrNotELF}
	}
	var magic [4]byte
	if _, err := io.ReadFull(f, magic[:]); err != nil || string(magic[:]) != "\x7fELF" {
		return &TargetError{target, "not an ELF file", ErrNotELF}
	}
	return nil
}

// found returns p once it is known to be a probe-able ELF file.
func found(target, p string) (string, error) {
	if err := checkELF(target, p); err != nil {
		return "", err
	}
	return p, nil
}

func isELF(p string) bool { return checkELF(p, p) == nil }
