package host

import (
	"encoding/json"
	"io"
	"os"
	"sync"

	"sonde/compiler"
	"sonde/internal/diskcache"
	"sonde/kernel/tracefs"
)

// formatCache keeps tracepoint formats on disk for the boot. Reading a
// format file takes the kernel's event_mutex, which a tracer's teardown
// holds across RCU grace periods (the previous run's, or anyone's): 360
// syscall formats read right after a run took seconds, the cache file a
// millisecond. The syscalls events are built into the kernel and fixed for
// the boot; any other event may belong to a module that was reloaded, so
// its entry holds only while the event's id (read without the mutex) is
// the one it was cached with.
type formatCache struct {
	once  sync.Once
	mu    sync.Mutex
	path  string
	dirty bool
	data  map[string]cachedFormat
	id    func(group, event string) (int, error) // tracefs.EventID; tests replace it
}

type cachedFormat struct {
	ID     int                        `json:"id,omitempty"` // 0: not checked (syscalls)
	Fields []compiler.TracepointField `json:"f"`
}

const staticGroup = "syscalls"

func (c *formatCache) load() {
	c.once.Do(func() {
		if c.id == nil {
			c.id = tracefs.EventID
		}
		c.data = map[string]cachedFormat{}
		c.path = diskcache.Path("formats-", ".json", func(w io.Writer) bool {
			_, err := io.WriteString(w, " v2")
			return err == nil
		})
		if c.path == "" {
			return
		}
		if b, err := os.ReadFile(c.path); err == nil {
			if json.Unmarshal(b, &c.data) != nil {
				c.data = map[string]cachedFormat{}
			}
		}
	})
}

// eventID is the id an entry is checked against: 0 for the static group.
func (c *formatCache) eventID(group, event string) (int, bool) {
	if group == staticGroup {
		return 0, true
	}
	id, err := c.id(group, event)
	return id, err == nil && id > 0
}

func (c *formatCache) get(group, event string) ([]compiler.TracepointField, bool) {
	if c == nil {
		return nil, false
	}
	c.load()
	c.mu.Lock()
	f, ok := c.data[group+":"+event]
	c.mu.Unlock()
	if !ok {
		return nil, false
	}
	id, ok := c.eventID(group, event)
	if !ok || id != f.ID {
		return nil, false
	}
	return f.Fields, true
}

func (c *formatCache) put(group, event string, fields []compiler.TracepointField) {
	if c == nil {
		return
	}
	c.load()
	id, ok := c.eventID(group, event)
	if !ok {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.data[group+":"+event] = cachedFormat{ID: id, Fields: fields}
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
