package tracefs

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"

	"sonde/internal/diskcache"
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
		diskcache.Write(cache, "kfuncs-*", []byte(strings.Join(fns, "\n")+"\n"))
	}
	return fns, nil
}

// funcCachePath names the cache file for the running kernel and its loaded
// modules, or "" when there is no usable cache directory.
func funcCachePath() string {
	return diskcache.Path("kfuncs-", "", func(w io.Writer) bool {
		if mods, err := os.ReadFile("/proc/modules"); err == nil {
			// Only the names: the use counts in the other columns change.
			for _, line := range strings.Split(string(mods), "\n") {
				name, _, _ := strings.Cut(line, " ")
				io.WriteString(w, name+"\n")
			}
		}
		return true
	})
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
