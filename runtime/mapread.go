package runtime

import (
	"errors"
	"fmt"
	"slices"
	"unsafe"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"

	"sonde/runtime/mapdata"
)

// batchAttr is the BPF_MAP_*_BATCH part of union bpf_attr.
type batchAttr struct {
	inBatch   uint64
	outBatch  uint64
	keys      uint64
	values    uint64
	count     uint32
	mapFD     uint32
	elemFlags uint64
	flags     uint64
}

const bpfMapLookupBatch = 24

// readMap reads every entry of m with batched lookups straight into flat,
// growing key and value buffers: printing a 100k-key map takes a handful
// of system calls and no allocation per entry.
func readMap(m *ebpf.Map, ncpu int) (*mapdata.RawMap, error) {
	keySize := int(m.KeySize())
	valSize := int(m.ValueSize())
	perCPU := m.Type() == ebpf.PerCPUHash || m.Type() == ebpf.PerCPUArray || m.Type() == ebpf.LRUCPUHash
	raw := &mapdata.RawMap{KeySize: keySize, ValueSize: valSize, Stride: valSize, CPUs: 1}
	if perCPU {
		raw.Stride = (valSize + 7) &^ 7
		raw.CPUs = ncpu
	}
	entrySize := raw.Stride * raw.CPUs
	maxEntries := max(int(m.MaxEntries()), 1)
	chunk := min(maxEntries, 16384)
	// Room for a full map, up to a limit: fresh memory costs nothing until
	// the kernel writes to it, while growing would copy it all.
	capEntries := max(chunk, min(maxEntries, (32<<20)/max(keySize+entrySize, 1)))
	raw.Keys = make([]byte, 0, capEntries*keySize)
	raw.Values = make([]byte, 0, capEntries*entrySize)
	tokSize := max(keySize, 8)
	tok := make([]byte, 2*tokSize)
	in, out := tok[:tokSize], tok[tokSize:]
	first := true
	for {
		n := raw.N
		raw.Keys = slices.Grow(raw.Keys, chunk*keySize)[:(n+chunk)*keySize]
		raw.Values = slices.Grow(raw.Values, chunk*entrySize)[:(n+chunk)*entrySize]
		attr := batchAttr{
			keys:     uint64(uintptr(unsafe.Pointer(unsafe.SliceData(raw.Keys[n*keySize:])))),
			values:   uint64(uintptr(unsafe.Pointer(unsafe.SliceData(raw.Values[n*entrySize:])))),
			count:    uint32(chunk),
			mapFD:    uint32(m.FD()),
			outBatch: uint64(uintptr(unsafe.Pointer(&out[0]))),
		}
		if !first {
			attr.inBatch = uint64(uintptr(unsafe.Pointer(&in[0])))
		}
		_, _, errno := unix.Syscall(unix.SYS_BPF, bpfMapLookupBatch, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
		got := int(attr.count)
		if errno != 0 && errno != unix.ENOENT {
			got = 0
		}
		raw.N += got
		raw.Keys = raw.Keys[:raw.N*keySize]
		raw.Values = raw.Values[:raw.N*entrySize]
		if errno != 0 && errno != unix.ENOENT {
			if errno == unix.ENOSPC && chunk < maxEntries*2 {
				// A hash bucket holds more keys than the batch: grow it.
				chunk *= 2
				continue
			}
			if first && (errno == unix.EINVAL || errno == unix.EOPNOTSUPP) {
				return readMapIter(m, raw)
			}
			return nil, fmt.Errorf("read map %s: %w", m.String(), errno)
		}
		if errno == unix.ENOENT {
			return raw, nil
		}
		first = false
		copy(in, out)
	}
}

// readMapIter is the slow path for kernels without batch lookups. raw
// comes from readMap, with its layout set and no entries.
func readMapIter(m *ebpf.Map, raw *mapdata.RawMap) (*mapdata.RawMap, error) {
	key := make([]byte, raw.KeySize)
	next := make([]byte, raw.KeySize)
	val := make([]byte, raw.Stride*raw.CPUs)
	var cur any
	for {
		err := m.NextKey(cur, next)
		if errors.Is(err, ebpf.ErrKeyNotExist) {
			return raw, nil
		}
		if err != nil {
			return nil, err
		}
		if raw.CPUs > 1 || m.Type() == ebpf.PerCPUHash || m.Type() == ebpf.PerCPUArray || m.Type() == ebpf.LRUCPUHash {
			var per [][]byte
			if err := m.Lookup(next, &per); err != nil {
				return nil, err
			}
			clear(val)
			for c, v := range per {
				if c < raw.CPUs {
					copy(val[c*raw.Stride:], v)
				}
			}
		} else if err := m.Lookup(next, val); err != nil {
			return nil, err
		}
		raw.Keys = append(raw.Keys, next...)
		raw.Values = append(raw.Values, val...)
		raw.N++
		copy(key, next)
		cur = key
	}
}
