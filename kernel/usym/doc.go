// Package usym is sonde's user-space symbol layer: it finds the binaries,
// functions and USDT probes that uprobe, uretprobe and usdt probes name,
// and turns user stack addresses back into function names.
//
// Attaching a uprobe:
//
//	path, err := usym.ResolveBinary("libc", pid) // PATH, ld.so.cache, /proc/PID
//	f, err := usym.Open(path)                     // cached by path, inode, mtime
//	loc, err := f.Resolve("malloc+4")             // or "malloc", "0x4a8e90"
//	ex, _ := link.OpenExecutable(path)
//	ex.Uprobe(loc.Symbol, prog, &link.UprobeOptions{Address: loc.FileOffset, PID: pid})
//
// cilium/ebpf takes Address as a file offset and skips its own symbol
// lookup when it is set, so the offset is checked against the function's
// size here. A USDT probe attaches the same way with Address
// p.FileOffset and RefCtrOffset p.SemaphoreOffset, which makes the kernel
// count the semaphore up while the probe is attached.
//
// Symbolizing: a Symbolizer caches each process's executable mappings and
// shares Open's per-file symbol tables, so a map of thousands of user
// stacks costs a few binary searches a frame.
//
// Symbols come from .symtab and .dynsym, from a separate debug file when
// the binary is stripped (libc6-dbg), and from .gopclntab for Go binaries
// built with -ldflags=-s. C++ names are demangled and matchable.
package usym
