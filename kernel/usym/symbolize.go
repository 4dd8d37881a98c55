package usym

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"sync"
	"syscall"
)

// Symbolizer turns user-space addresses into function names. It caches
// each process's executable mappings, and shares the per-file symbol
// tables of Open, so a map of thousands of stacks costs a few binary
// searches a frame. It is safe for concurrent use.
type Symbolizer struct {
	mu    sync.Mutex
	procs map[int]*procModules
}

// NewSymbolizer returns an empty Symbolizer.
func NewSymbolizer() *Symbolizer { return &Symbolizer{procs: map[int]*procModules{}} }

// procModules is the cached view of one process's code.
type procModules struct {
	mods []module // executable file mappings, by address
	gone bool     // the process could not be read: no more re-reads
	// missed holds addresses that already forced a re-read of the maps,
	// so garbage frames do not re-read /proc on every lookup.
	missed map[uint64]struct{}
}

type module struct {
	start, end, offset uint64
	path               string // as the process sees it
	file               *File  // nil when the file could not be read
}

// Symbolize finds the function containing addr in process pid. name is
// the demangled name when there is one; module is the mapped file. ok is
// false when the address is in no known function or the process is gone
// (and was never seen): the caller prints the address in hex.
func (s *Symbolizer) Symbolize(pid int, addr uint64) (name string, off uint64, module string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.procs == nil {
		s.procs = map[int]*procModules{}
	}
	pm := s.procs[pid]
	if pm == nil {
		pm = loadModules(pid)
		s.procs[pid] = pm
	}
	m := pm.find(addr)
	if m == nil && !pm.gone {
		if _, seen := pm.missed[addr]; !seen {
			// New code may have been mapped (dlopen) since we looked.
			fresh := loadModules(pid)
			if !fresh.gone {
				fresh.missed = pm.missed
				pm = fresh
				s.procs[pid] = pm
			}
			if pm.missed == nil {
				pm.missed = map[uint64]struct{}{}
			}
			pm.missed[addr] = struct{}{}
			m = pm.find(addr)
		}
	}
	if m == nil {
		return "", 0, "", false
	}
	if m.file == nil {
		return "", 0, m.path, false
	}
	v, found := m.file.vaddr(addr-m.start+m.offset, true)
	if !found {
		return "", 0, m.path, false
	}
	sym, off, found := m.file.SymbolAt(v)
	if !found {
		return "", 0, m.path, false
	}
	name = sym.Name
	if sym.Demangled != "" {
		name = sym.Demangled
	}
	return name, off, m.path, true
}

// Refresh re-reads a live process's mappings into the cache and reports
// whether the process could be read. Once the process is gone the last
// view is kept, so a short-lived process (a -c command) polled with
// Refresh while it runs stays symbolizable after it exits.
func (s *Symbolizer) Refresh(pid int) bool {
	pm := loadModules(pid)
	if pm.gone {
		return false
	}
	s.mu.Lock()
	if s.procs == nil {
		s.procs = map[int]*procModules{}
	}
	s.procs[pid] = pm
	s.mu.Unlock()
	return true
}

// Forget drops a process's cached mappings, e.g. when it exits or execs.
func (s *Symbolizer) Forget(pid int) {
	s.mu.Lock()
	delete(s.procs, pid)
	s.mu.Unlock()
}

// Frame renders one ustack frame the way bpftrace's stack_mode does,
// without the indentation: "bpftrace" gives func+off (0xADDR when
// unknown), "perf" gives "ADDR func+off (module)", "raw" the bare hex.
func (s *Symbolizer) Frame(pid int, addr uint64, mode string) string {
	if mode == "raw" {
		return strconv.FormatUint(addr, 16)
	}
	name, off, mod, ok := s.Symbolize(pid, addr)
	sym := fmt.Sprintf("%s+%d", name, off)
	if !ok {
		sym, mod = fmt.Sprintf("%#x", addr), "[unknown]"
	}
	if mode == "perf" {
		return fmt.Sprintf("%x %s (%s)", addr, sym, mod)
	}
	return sym
}

func (pm *procModules) find(addr uint64) *module {
	i := sort.Search(len(pm.mods), func(i int) bool { return pm.mods[i].end > addr })
	if i < len(pm.mods) && pm.mods[i].start <= addr {
		return &pm.mods[i]
	}
	return nil
}

// loadModules reads the executable file mappings of a process and opens
// their symbol tables.
func loadModules(pid int) *procModules {
	maps, err := ReadMaps(pid)
	if err != nil || len(maps) == 0 { // a zombie has no maps
		return &procModules{gone: true}
	}
	root, err := procRoot(pid)
	if err != nil {
		return &procModules{gone: true}
	}
	pm := &procModules{}
	files := map[string]*File{}
	for _, mp := range maps {
		if !mp.Exec || !mp.fileBacked() {
			continue
		}
		f, seen := files[mp.Path]
		if !seen {
			f = openMapped(pid, root, mp)
			files[mp.Path] = f
		}
		pm.mods = append(pm.mods, module{start: mp.Start, end: mp.End, offset: mp.Offset, path: mp.Path, file: f})
	}
	return pm
}

// openMapped opens the file behind a mapping: through the process's root
// (containers), or through /proc/PID/map_files when the path no longer
// names the mapped inode (deleted or replaced since).
func openMapped(pid int, root string, mp Mapping) *File {
	p := root + mp.Path
	if st, err := os.Stat(p); mp.Deleted || err != nil || st.Sys().(*syscall.Stat_t).Ino != mp.Inode {
		p = fmt.Sprintf("/proc/%d/map_files/%x-%x", pid, mp.Start, mp.End)
	}
	f, err := Open(p)
	if err != nil {
		return nil
	}
	return f
}
