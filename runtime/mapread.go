package runtime

import (
	"errors"
	"fmt"
	"unsafe"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"
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

// rawMap is a map's contents as bytes: one key per entry and, per entry,
// one value per possible CPU (a single value for shared maps).
type rawMap struct {
	keys   [][]byte
	values [][][]byte
}

// readMap reads every entry of m with batched lookups, which keeps printing a
// 100k-key map to a handful of system calls.
func readMap(m *ebpf.Map, ncpu int) (*rawMap, error) {
	keySize := int(m.KeySize())
	valSize := int(m.ValueSize())
	perCPU := m.Type() == ebpf.PerCPUHash || m.Type() == ebpf.PerCPUArray || m.Type() == ebpf.LRUCPUHash
	stride := valSize
	cpus := 1
	if perCPU {
		stride = (valSize + 7) &^ 7
		cpus = ncpu
	}
	chunk := int(m.MaxEntries())
	if chunk > 16384 {
		chunk = 16384
	}
	if chunk < 1 {
		chunk = 1
	}
	keys := make([]byte, chunk*keySize)
	vals := make([]byte, chunk*stride*cpus)
	tokSize := max(keySize, 8)
	in := make([]byte, tokSize)
	out := make([]byte, tokSize)
	res := &rawMap{}
	first := true
	for {
		attr := batchAttr{
			keys:   uint64(uintptr(unsafe.Pointer(&keys[0]))),
			values: uint64(uintptr(unsafe.Pointer(&vals[0]))),
			count:  uint32(chunk),
			mapFD:  uint32(m.FD()),
		}
		if !first {
			attr.inBatch = uint64(uintptr(unsafe.Pointer(&in[0])))
		}
		attr.outBatch = uint64(uintptr(unsafe.Pointer(&out[0])))
		_, _, errno := unix.Syscall(unix.SYS_BPF, bpfMapLookupBatch, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
		n := int(attr.count)
		if errno != 0 && errno != unix.ENOENT {
			if errno == unix.ENOSPC && chunk < int(m.MaxEntries())*2 {
				// A hash bucket holds more keys than the batch: grow it.
				chunk *= 2
				keys = make([]byte, chunk*keySize)
				vals = make([]byte, chunk*stride*cpus)
				continue
			}
			if first && (errno == unix.EINVAL || errno == unix.EOPNOTSUPP) {
				return readMapIter(m, ncpu, perCPU, stride)
			}
			return nil, fmt.Errorf("read map %s: %w", m.String(), errno)
		}
		// One backing array for all entries keeps allocation cheap.
		kcopy := make([]byte, n*keySize)
		copy(kcopy, keys[:n*keySize])
		vcopy := make([]byte, n*stride*cpus)
		copy(vcopy, vals[:n*stride*cpus])
		for i := 0; i < n; i++ {
			res.keys = append(res.keys, kcopy[i*keySize:(i+1)*keySize:(i+1)*keySize])
			per := make([][]byte, cpus)
			for c := 0; c < cpus; c++ {
				off := (i*cpus + c) * stride
				per[c] = vcopy[off : off+valSize : off+valSize]
			}
			res.values = append(res.values, per)
		}
		if errno == unix.ENOENT {
			return res, nil
		}
		first = false
		copy(in, out)
	}
}

// readMapIter is the slow path for kernels without batch lookups.
func readMapIter(m *ebpf.Map, ncpu int, perCPU bool, stride int) (*rawMap, error) {
	res := &rawMap{}
	key := make([]byte, m.KeySize())
	var next []byte
	var cur any
	for {
		next = make([]byte, m.KeySize())
		err := m.NextKey(cur, next)
		if errors.Is(err, ebpf.ErrKeyNotExist) {
			return res, nil
		}
		if err != nil {
			return nil, err
		}
		if perCPU {
			vals := make([][]byte, 0, ncpu)
			err = m.Lookup(next, &vals)
			if err != nil {
				return nil, err
			}
			res.values = append(res.values, vals)
		} else {
			v := make([]byte, m.ValueSize())
			if err := m.Lookup(next, v); err != nil {
				return nil, err
			}
			res.values = append(res.values, [][]byte{v})
		}
		res.keys = append(res.keys, next)
		copy(key, next)
		cur = key
	}
}
