package tracefs

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// The list of traceable kernel functions (available_filter_functions) has
// some 50,000–80,000 lines and costs tens of milliseconds to read, because
// the kernel formats it on every read. It only changes on reboot or when a
// module is loaded, so the filtered, sorted list is cached in the user's
// cache directory under a key made of the boot id and /proc/modules.

var (
	funcsOnce sync.Once
	funcsList []string
	funcsErr  error
)

// TraceableFunctions returns every kernel function kprobes can attach to,
// sorted and without duplicates (see KprobeFunctions), from the on-disk
// cache when it is current. The result is shared: do not modify it.
func TraceableFunctions() ([]string, error) {
	funcsOnce.Do(func() { funcsList, funcsErr = traceableFunctions() })
	return funcsList, funcsErr
}

func traceableFunctions() ([]string, error) {
	cache := funcCachePath()
	if cache != "" {
		if b, err := os.ReadFile(cache); err == nil {
			return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n"), nil
		}
	}
	path, err := Path("available_filter_functions")
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("list kernel functions: %w", err)
	}
	defer f.Close()
	fns, err := matchFunctions(f, "*")
	if err != nil {
		return nil, err
	}
	if cache != "" && len(fns) > 0 {
		writeCache(cache, []byte(strings.Join(fns, "\n")+"\n"))
	}
	return fns, nil
}

// funcCachePath names the cache file for the running kernel and its loaded
// modules, or "" when there is no usable cache directory.
func funcCachePath() string {
	dir := os.Getenv("SONDE_CACHE_DIR")
	if dir == "off" {
		return ""
	}
	if dir == "" {
		d, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(d, "sonde")
	}
	boot, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	h := sha256.New()
	h.Write(bytes.TrimSpace(boot))
	if mods, err := os.ReadFile("/proc/modules"); err == nil {
		// Only the names: the use counts in the other columns change.
		for _, line := range strings.Split(string(mods), "\n") {
			name, _, _ := strings.Cut(line, " ")
			h.Write([]byte(name + "\n"))
		}
	}
	return filepath.Join(dir, "kfuncs-"+hex.EncodeToString(h.Sum(nil))[:24])
}

// writeCache writes atomically (rename) and ignores failures: the cache is
// an optimisation only. Stale files of other boots are removed.
func writeCache(path string, data []byte) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return
	}
	if old, _ := filepath.Glob(filepath.Join(dir, "kfuncs-*")); len(old) > 0 {
		for _, o := range old {
			if o != path {
				os.Remove(o)
			}
		}
	}
	tmp, err := os.CreateTemp(dir, ".kfuncs-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), path) != nil {
		os.Remove(tmp.Name())
	}
}

// MatchTraceable returns the traceable functions matching pattern.
func MatchTraceable(pattern string) ([]string, error) {
	all, err := TraceableFunctions()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, fn := range all {
		if Match(pattern, fn) {
			out = append(out, fn)
		}
	}
	return out, nil
}

// IsTraceable reports whether fn is in the traceable list (binary search).
func IsTraceable(fn string) (bool, error) {
	all, err := TraceableFunctions()
	if err != nil {
		return false, err
	}
	_, ok := slices.BinarySearch(all, fn)
	return ok, nil
}
