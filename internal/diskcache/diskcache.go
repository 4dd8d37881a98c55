// Package diskcache is the one home of sonde's on-disk caches: where they
// live (SONDE_CACHE_DIR, "off" to disable them, else sonde under the user's
// cache directory), how a file is keyed to the current boot, and how it is
// written. A cache is an optimisation only: every failure means "no cache".
package diskcache

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
)

// Dir returns the cache directory, or "" when caching is off or there is
// no user cache directory.
func Dir() string {
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
	return dir
}

// Path names a cache file prefix+HASH+ext in Dir, HASH hashing the boot id
// and then what key writes (the rest of the state the file depends on), or
// returns "" when there is no cache directory, no boot id, or key fails.
func Path(prefix, ext string, key func(w io.Writer) bool) string {
	dir := Dir()
	if dir == "" {
		return ""
	}
	boot, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	h := sha256.New()
	h.Write(bytes.TrimSpace(boot))
	if !key(h) {
		return ""
	}
	return filepath.Join(dir, prefix+hex.EncodeToString(h.Sum(nil))[:24]+ext)
}

// Write writes data to path atomically (a temporary file renamed over it)
// after removing the stale files of path's directory that match the glob
// pattern stale (the caches of other boots). It reports whether path now
// holds data.
func Write(path, stale string, data []byte) bool {
	dir := filepath.Dir(path)
	if os.MkdirAll(dir, 0o755) != nil {
		return false
	}
	old, _ := filepath.Glob(filepath.Join(dir, stale))
	for _, o := range old {
		if o != path {
			os.Remove(o)
		}
	}
	tmp, err := os.CreateTemp(dir, "."+stale)
	if err != nil {
		return false
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), path) != nil {
		os.Remove(tmp.Name())
		return false
	}
	return true
}
