package mapsource

import (
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// CgroupRoot is where the cgroup v2 hierarchy is mounted: the unified
// mount of a hybrid system, else /sys/fs/cgroup.
func CgroupRoot() string {
	if st, err := os.Stat("/sys/fs/cgroup/unified"); err == nil && st.IsDir() {
		return "/sys/fs/cgroup/unified"
	}
	return "/sys/fs/cgroup"
}

// Cgroups names cgroup ids by their path under the hierarchy: on cgroup
// v2 a cgroup's id is its directory's inode number. The table is rebuilt
// when a scrape meets an id it lacks, at most every rescanEvery, so
// containers that come and go get named without a walk per scrape.
type Cgroups struct {
	root string

	mu       sync.Mutex
	paths    map[uint64]string
	missed   bool
	lastScan time.Time
}

const rescanEvery = 5 * time.Second

// NewCgroups reads the hierarchy under root lazily.
func NewCgroups(root string) *Cgroups { return &Cgroups{root: root} }

// Refresh rescans before a scrape if the last one met unknown ids.
func (c *Cgroups) Refresh() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.paths != nil && c.missed && time.Since(c.lastScan) >= rescanEvery {
		c.scan()
	}
}

// Path is the cgroup's path ("/" for the root, "/system.slice/x.service"),
// or the id in decimal when no directory has it.
func (c *Cgroups) Path(id uint64) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.paths == nil {
		c.scan()
	}
	if p, ok := c.paths[id]; ok {
		return p
	}
	c.missed = true
	return strconv.FormatUint(id, 10)
}

func (c *Cgroups) scan() {
	c.paths = map[uint64]string{}
	c.missed = false
	c.lastScan = time.Now()
	filepath.WalkDir(c.root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		st, ok := info.Sys().(*syscall.Stat_t)
		if !ok {
			return nil
		}
		rel, err := filepath.Rel(c.root, path)
		if err != nil {
			return nil
		}
		if rel == "." {
			rel = ""
		}
		c.paths[st.Ino] = "/" + rel
		return nil
	})
}
