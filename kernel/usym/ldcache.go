package usym

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
)

// LDCachePath is where glibc's ldconfig writes the dynamic linker cache.
const LDCachePath = "/etc/ld.so.cache"

// LDCacheEntry is one library of the dynamic linker cache: the soname a
// program asks for and the file the dynamic linker would load.
type LDCacheEntry struct {
	Soname string // e.g. "libc.so.6"
	Path   string // e.g. "/lib/x86_64-linux-gnu/libc.so.6"
	Flags  int32  // FLAG_* word: ELF class and architecture
}

const (
	oldCacheMagic = "ld.so-1.7.0"
	newCacheMagic = "glibc-ld.so.cache1.1"

	oldHeaderSize = 16 // magic padded to 12, nlibs
	oldEntrySize  = 12 // flags, key, value
	newHeaderSize = 48 // magic+version, nlibs, len_strings, flags, pad, ext offset, unused[3]
	newEntrySize  = 24 // flags, key, value, osversion, hwcap

	flagTypeMask  = 0x00ff
	flagELFLibc6  = 0x0003
	flagArchMask  = 0xff00
	flagX8664Lib  = 0x0300
	flagAArch64   = 0x0a00
	flagRISCV64LD = 0x1000 // double-float ABI
)

// archFlag is the architecture bits of this build's libraries, so a
// multilib cache does not hand back a 32-bit libc. Zero accepts any.
var archFlag = map[string]int32{
	"amd64":   flagX8664Lib,
	"arm64":   flagAArch64,
	"riscv64": flagRISCV64LD,
}[runtime.GOARCH]

// ParseLDCache decodes a dynamic linker cache in the old libc5/glibc format
// ("ld.so-1.7.0"), the new one ("glibc-ld.so.cache1.1"), or the old one
// with the new one appended (what glibc wrote until 2.32). Entries keep
// the file's order, which is the linker's preference order.
func ParseLDCache(data []byte) ([]LDCacheEntry, error) {
	switch {
	case bytes.HasPrefix(data, []byte(newCacheMagic)):
		return parseNewCache(data)
	case bytes.HasPrefix(data, []byte(oldCacheMagic)):
		if len(data) < oldHeaderSize {
			return nil, errors.New("ld.so.cache: truncated header")
		}
		n := int(binary.LittleEndian.Uint32(data[12:]))
		end := oldHeaderSize + n*oldEntrySize
		if n < 0 || end > len(data) {
			return nil, errors.New("ld.so.cache: truncated entries")
		}
		// The new format, when present, follows the old entries aligned
		// to 8 bytes and is the richer of the two.
		if i := bytes.Index(data[end:], []byte(newCacheMagic)); i >= 0 {
			return parseNewCache(data[end+i:])
		}
		return parseOldCache(data, n)
	}
	return nil, errors.New("ld.so.cache: unknown format")
}

func parseOldCache(data []byte, n int) ([]LDCacheEntry, error) {
	// Old-format string offsets count from the end of the entry table.
	strs := data[oldHeaderSize+n*oldEntrySize:]
	out := make([]LDCacheEntry, 0, n)
	for i := 0; i < n; i++ {
		e := data[oldHeaderSize+i*oldEntrySize:]
		ent, err := readCacheEntry(strs, e, binary.LittleEndian)
		if err != nil {
			return nil, err
		}
		out = append(out, ent)
	}
	return out, nil
}

func parseNewCache(data []byte) ([]LDCacheEntry, error) {
	if len(data) < newHeaderSize {
		return nil, errors.New("ld.so.cache: truncated header")
	}
	var bo binary.ByteOrder = binary.LittleEndian
	if data[28]&3 == 3 { // endianness flags: 0 unset, 1 invalid, 2 little, 3 big
		bo = binary.BigEndian
	}
	n := int(bo.Uint32(data[20:]))
	if n < 0 || newHeaderSize+n*newEntrySize > len(data) {
		return nil, errors.New("ld.so.cache: truncated entries")
	}
	// New-format string offsets count from the start of the new header.
	out := make([]LDCacheEntry, 0, n)
	for i := 0; i < n; i++ {
		e := data[newHeaderSize+i*newEntrySize:]
		ent, err := readCacheEntry(data, e, bo)
		if err != nil {
			return nil, err
		}
		out = append(out, ent)
	}
	return out, nil
}

func readCacheEntry(strs, e []byte, bo binary.ByteOrder) (LDCacheEntry, error) {
	key, err := cString(strs, bo.Uint32(e[4:]))
	if err != nil {
		return LDCacheEntry{}, err
	}
	val, err := cString(strs, bo.Uint32(e[8:]))
	if err != nil {
		return LDCacheEntry{}, err
	}
	return LDCacheEntry{Soname: key, Path: val, Flags: int32(bo.Uint32(e))}, nil
}

func cString(b []byte, off uint32) (string, error) {
	if uint64(off) >= uint64(len(b)) {
		return "", fmt.Errorf("ld.so.cache: string offset %#x out of range", off)
	}
	s := b[off:]
	if i := bytes.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return string(s), nil
}

// native reports whether a cache entry is a glibc ELF library for this
// architecture.
func (e LDCacheEntry) native() bool {
	if e.Flags&flagTypeMask != flagELFLibc6 {
		return false
	}
	return archFlag == 0 || e.Flags&flagArchMask == archFlag
}

var ldCache struct {
	sync.Mutex
	mtime   int64
	size    int64
	entries []LDCacheEntry
}

// systemLDCache returns the parsed /etc/ld.so.cache, re-read only when
// ldconfig has rewritten it.
func systemLDCache() []LDCacheEntry {
	st, err := os.Stat(LDCachePath)
	if err != nil {
		return nil
	}
	ldCache.Lock()
	defer ldCache.Unlock()
	if ldCache.entries != nil && ldCache.mtime == st.ModTime().UnixNano() && ldCache.size == st.Size() {
		return ldCache.entries
	}
	data, err := os.ReadFile(LDCachePath)
	if err != nil {
		return nil
	}
	ents, err := ParseLDCache(data)
	if err != nil {
		return nil
	}
	ldCache.entries, ldCache.mtime, ldCache.size = ents, st.ModTime().UnixNano(), st.Size()
	return ents
}
