package host

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"

	"sonde/compiler"
	"sonde/internal/diskcache"
	"sonde/types"
)

// btfCache keeps the answers a script got from kernel BTF (struct types,
// enum constants, function prototypes) on disk, so the next script that
// asks the same questions does not parse BTF at all: opening the kernel's
// BTF costs ~35 ms and ~5 MB, reading this file ~1 ms. It is keyed by the
// boot and by vmlinux's BTF, and it only ever holds answers BTF gave for
// that kernel; a question it cannot answer goes to BTF (and the answer is
// added). Set SONDE_CACHE_DIR to move it, or to "off" to disable it.
type btfCache struct {
	mu    sync.Mutex
	path  string
	dirty bool
	data  btfCacheData
}

type btfCacheData struct {
	Types map[string]*types.Type       `json:"types,omitempty"`
	Enums map[string]cachedEnum        `json:"enums,omitempty"`
	Funcs map[string]*compiler.FuncSig `json:"funcs,omitempty"`
}

type cachedEnum struct {
	Value int64       `json:"v"`
	Type  *types.Type `json:"t,omitempty"`
}

// openBTFCache reads the cache of this kernel, or starts an empty one.
// A nil cache (no cache directory, no BTF) caches nothing.
func openBTFCache() *btfCache {
	path := btfCachePath()
	if path == "" {
		return nil
	}
	c := &btfCache{path: path}
	if b, err := os.ReadFile(path); err == nil {
		if json.Unmarshal(b, &c.data) != nil {
			c.data = btfCacheData{}
		}
	}
	return c
}

// btfCachePath names the cache file of this boot and vmlinux's BTF.
func btfCachePath() string {
	return diskcache.Path("btf-", ".json", func(w io.Writer) bool {
		st, err := os.Stat("/sys/kernel/btf/vmlinux")
		if err != nil {
			return false
		}
		fmt.Fprintf(w, " %d %d v1", st.Size(), st.ModTime().UnixNano())
		return true
	})
}

func (c *btfCache) typ(name string) (*types.Type, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.data.Types[name]
	return t, ok
}

func (c *btfCache) putType(name string, t *types.Type) {
	if c == nil || t == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.data.Types == nil {
		c.data.Types = map[string]*types.Type{}
	}
	c.data.Types[name] = t
	c.dirty = true
}

func (c *btfCache) enum(name string) (cachedEnum, bool) {
	if c == nil {
		return cachedEnum{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.data.Enums[name]
	return e, ok
}

func (c *btfCache) putEnum(name string, e cachedEnum) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.data.Enums == nil {
		c.data.Enums = map[string]cachedEnum{}
	}
	c.data.Enums[name] = e
	c.dirty = true
}

func (c *btfCache) fn(key string) (*compiler.FuncSig, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.data.Funcs[key]
	return s, ok
}

func (c *btfCache) putFn(key string, s *compiler.FuncSig) {
	if c == nil || s == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.data.Funcs == nil {
		c.data.Funcs = map[string]*compiler.FuncSig{}
	}
	c.data.Funcs[key] = s
	c.dirty = true
}

// save writes the cache if it learned something, atomically, and removes
// the caches of other boots. Failures are ignored: it is only a cache.
func (c *btfCache) save() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.dirty {
		return
	}
	b, err := json.Marshal(&c.data)
	if err != nil {
		return
	}
	if diskcache.Write(c.path, "btf-*.json", b) {
		c.dirty = false
	}
}
