package host

import (
	"encoding/json"
	"io"
	"os"
	"sync"

	"sonde/compiler"
	"sonde/internal/diskcache"
)

// formatCache keeps the formats of the syscalls tracepoints on disk for
// the boot. Reading a format file takes the kernel's event_mutex, which a
// tracer's teardown holds across RCU grace periods (the previous run's,
// or anyone's): 360 formats read right after a run took seconds, the
// cache file a millisecond. Only the syscalls group is cached: its events
// are built into the kernel and fixed for the boot, while a module's
// tracepoints come and go with it.
type formatCache struct {
	once  sync.Once
	mu    sync.Mutex
	path  string
	dirty bool
	data  map[string][]compiler.TracepointField
}

const cachedFormatGroup = "syscalls"

func (c *formatCache) load() {
	c.once.Do(func() {
		c.data = map[string][]compiler.TracepointField{}
		c.path = diskcache.Path("formats-", ".json", func(w io.Writer) bool {
			_, err := io.WriteString(w, " v1")
			return err == nil
		})
		if c.path == "" {
			return
		}
		if b, err := os.ReadFile(c.path); err == nil {
			if json.Unmarshal(b, &c.data) != nil {
				c.data = map[string][]compiler.TracepointField{}
			}
		}
	})
}

func (c *formatCache) get(group, event string) ([]compiler.TracepointField, bool) {
	if c == nil || group != cachedFormatGroup {
		return nil, false
	}
	c.load()
	c.mu.Lock()
	defer c.mu.Unlock()
	f, ok := c.data[group+":"+event]
	return f, ok
}

func (c *formatCache) put(group, event string, fields []compiler.TracepointField) {
	if c == nil || group != cachedFormatGroup {
		return
	}
	c.load()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.data[group+":"+event] = fields
	c.dirty = true
}

// save writes the cache if it learned something. Failures are ignored.
func (c *formatCache) save() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.dirty || c.path == "" {
		return
	}
	b, err := json.Marshal(c.data)
	if err == nil && diskcache.Write(c.path, "formats-*.json", b) {
		c.dirty = false
	}
}
