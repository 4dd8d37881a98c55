package tracefs

import (
	"strings"

	"sonde/types"
)

// fieldType gives a field its value type from its C type string alone (no
// BTF), with the record's size and signedness as the fallback.
func fieldType(f *Field, user bool) *types.Type {
	ctype := f.CType
	if i := strings.IndexByte(ctype, '['); i >= 0 {
		ctype = strings.TrimSpace(ctype[:i])
	}
	if f.DataLoc {
		elem := CType(ctype, 0, false, user)
		if isChar(ctype) {
			return types.StringType(0)
		}
		return &types.Type{Kind: types.Array, Elem: elem}
	}
	if f.ArrayLen != 0 {
		elem := CType(ctype, 0, false, user)
		n := f.ArrayLen
		if n < 0 && elem.Size > 0 {
			n = f.Size / elem.Size
			f.ArrayLen = n
		}
		if isChar(ctype) {
			return types.StringType(f.Size)
		}
		if elem.Size == 0 || n <= 0 {
			return types.ArrayOf(types.Uint8, f.Size)
		}
		return types.ArrayOf(elem, n)
	}
	return CType(ctype, f.Size, f.Signed, user)
}

func isChar(ctype string) bool {
	return baseName(ctype) == "char"
}

// CType converts a C type string as tracepoint formats write it to a value
// type. size and signed (from the format) describe integers the table does
// not know; size 0 means unknown. A known type narrower than size keeps its
// own width: syscall tracepoints store `int flags` in 8 bytes, and on a
// little-endian machine its low 4 bytes are the int. user marks pointers as
// user-space addresses.
func CType(ctype string, size int, signed, user bool) *types.Type {
	words := strings.Fields(strings.ReplaceAll(ctype, "*", " * "))
	depth := 0
	var base []string
	for _, w := range words {
		switch w {
		case "*":
			depth++
		case "const", "volatile", "__user", "restrict", "__restrict", "__percpu", "__rcu", "__iomem", "__force":
		default:
			base = append(base, w)
		}
	}
	name := strings.Join(base, " ")
	if depth > 0 {
		t := pointee(name, user)
		for range depth - 1 {
			t = types.PointerTo(t, user)
		}
		return types.PointerTo(t, user)
	}
	if strings.HasPrefix(name, "enum ") && size > 0 {
		return intOfSize(size, signed)
	}
	if t := scalar(name); t != nil {
		if size > 0 && t.Size > size {
			return intOfSize(size, signed)
		}
		return t
	}
	return intOfSize(size, signed)
}

// pointee is the target of a pointer to name: nil for void, a name-only
// Struct for structs and unions (BTF fills them in), an int otherwise.
func pointee(name string, user bool) *types.Type {
	switch {
	case name == "void":
		return nil
	case strings.HasPrefix(name, "struct "), strings.HasPrefix(name, "union "):
		return &types.Type{Kind: types.Struct, Name: name}
	}
	if t := scalar(name); t != nil {
		return t
	}
	return nil // an unknown typedef: treat as void *
}

// intOfSize is the integer of a field's size, or a byte array when the size
// is not an integer size (an embedded struct).
func intOfSize(size int, signed bool) *types.Type {
	switch size {
	case 1, 2, 4, 8:
		return types.IntType(size, signed)
	case 0:
		return types.Int64
	}
	return types.ArrayOf(types.Uint8, size)
}

func baseName(ctype string) string {
	words := strings.Fields(strings.ReplaceAll(ctype, "*", " * "))
	var base []string
	for _, w := range words {
		if w != "const" && w != "volatile" {
			base = append(base, w)
		}
	}
	return strings.Join(base, " ")
}

// scalar looks up C integer types and common kernel typedefs (x86-64 and
// arm64 sizes; both are LP64).
func scalar(name string) *types.Type {
	if strings.HasPrefix(name, "enum ") {
		return types.Int32 // C's default; CType prefers the format's size
	}
	return scalars[name]
}

var scalars = map[string]*types.Type{
	"char": types.Int8, "signed char": types.Int8, "unsigned char": types.Uint8,
	"short": types.Int16, "short int": types.Int16, "signed short": types.Int16,
	"unsigned short": types.Uint16, "unsigned short int": types.Uint16, "short unsigned int": types.Uint16,
	"int": types.Int32, "signed": types.Int32, "signed int": types.Int32,
	"unsigned": types.Uint32, "unsigned int": types.Uint32, "uint": types.Uint32,
	"long": types.Int64, "long int": types.Int64, "signed long": types.Int64,
	"unsigned long": types.Uint64, "unsigned long int": types.Uint64, "long unsigned int": types.Uint64, "ulong": types.Uint64,
	"long long": types.Int64, "long long int": types.Int64,
	"unsigned long long": types.Uint64, "unsigned long long int": types.Uint64, "long long unsigned int": types.Uint64,
	"bool": types.BoolT, "_Bool": types.BoolT,

	"u8": types.Uint8, "__u8": types.Uint8, "uint8_t": types.Uint8, "u_int8_t": types.Uint8,
	"s8": types.Int8, "__s8": types.Int8, "int8_t": types.Int8,
	"u16": types.Uint16, "__u16": types.Uint16, "uint16_t": types.Uint16, "u_int16_t": types.Uint16,
	"s16": types.Int16, "__s16": types.Int16, "int16_t": types.Int16,
	"u32": types.Uint32, "__u32": types.Uint32, "uint32_t": types.Uint32, "u_int32_t": types.Uint32,
	"s32": types.Int32, "__s32": types.Int32, "int32_t": types.Int32,
	"u64": types.Uint64, "__u64": types.Uint64, "uint64_t": types.Uint64, "u_int64_t": types.Uint64,
	"s64": types.Int64, "__s64": types.Int64, "int64_t": types.Int64,
	"__le16": types.Uint16, "__be16": types.Uint16, "__le32": types.Uint32, "__be32": types.Uint32,
	"__le64": types.Uint64, "__be64": types.Uint64, "__wsum": types.Uint32, "__sum16": types.Uint16,

	"size_t": types.Uint64, "ssize_t": types.Int64, "__kernel_size_t": types.Uint64, "__kernel_ssize_t": types.Int64,
	"loff_t": types.Int64, "off_t": types.Int64, "__kernel_off_t": types.Int64,
	"uintptr_t": types.Uint64, "ptrdiff_t": types.Int64,
	"pid_t": types.Int32, "__kernel_pid_t": types.Int32, "tid_t": types.Uint32,
	"uid_t": types.Uint32, "gid_t": types.Uint32, "qid_t": types.Uint32, "projid_t": types.Uint32,
	"__kernel_uid32_t": types.Uint32, "__kernel_gid32_t": types.Uint32,
	"dev_t": types.Uint32, "umode_t": types.Uint16, "mode_t": types.Uint32, "fmode_t": types.Uint32,
	"gfp_t": types.Uint32, "slab_flags_t": types.Uint32, "vm_flags_t": types.Uint64,
	"ino_t": types.Uint64, "sector_t": types.Uint64, "blkcnt_t": types.Uint64, "pgoff_t": types.Uint64,
	"time_t": types.Int64, "time64_t": types.Int64, "ktime_t": types.Int64, "clockid_t": types.Int32,
	"timer_t": types.Int32, "key_t": types.Int32, "mqd_t": types.Int32, "key_serial_t": types.Int32,
	"aio_context_t": types.Uint64, "irq_hw_number_t": types.Uint64,
	"phys_addr_t": types.Uint64, "dma_addr_t": types.Uint64, "resource_size_t": types.Uint64,
	"netdev_features_t": types.Uint64, "blk_opf_t": types.Uint32, "blk_status_t": types.Uint8,
	"xfs_ino_t": types.Uint64, "xfs_agnumber_t": types.Uint32, "xfs_agblock_t": types.Uint32,
	"xfs_extlen_t": types.Uint32, "xfs_fsblock_t": types.Uint64, "xfs_daddr_t": types.Int64,
	"xfs_fileoff_t": types.Uint64, "xfs_filblks_t": types.Uint64, "xfs_lsn_t": types.Int64,
	"xfs_fsize_t": types.Int64, "xfs_agino_t": types.Uint32, "xfs_dahash_t": types.Uint32,
	"ext4_lblk_t": types.Uint32, "ext4_fsblk_t": types.Uint64,
}
