package output

import "sonde/types"

// Value is a decoded value. The concrete types below are the only
// implementations; switch on them.
type Value interface{ isValue() }

// Int is an integer of any width, widened to 64 bits (sign-extended when
// Signed).
type Int struct {
	Bits   uint64
	Signed bool
}

// Bool is a bool.
type Bool bool

// String is a NUL-terminated string. Truncated is set when no NUL was found
// within the capacity, so the str_trunc_trailer is printed after it.
type String struct {
	S         string
	Truncated bool
}

// Buffer is the payload of buf().
type Buffer []byte

// Pointer is an address; text prints it as 0x..., JSON as a number.
type Pointer uint64

// Array is a fixed-size array: text [1,2,3].
type Array []Value

// Tuple is an unnamed tuple: text (1, 2, x).
type Tuple []Value

// Record is a record or a C struct/union: text { .a = 1, .b = 2 }.
type Record struct {
	Names  []string
	Fields []Value
}

// Enum is an enum value; Name is "" when the number has no enumerator.
type Enum struct {
	Num  uint64
	Name string
}

// None is a value of no printable type (void, or a member we cannot decode).
type None struct{}

// KSym is a kernel address printed as its symbol name.
type KSym uint64

// USym is a user address printed as its symbol name in process PID.
type USym struct {
	Addr uint64
	PID  uint32
}

// Stack is a kernel or user stack, stored in the kernel as an id into the
// stack map Type.StackMap.
type Stack struct {
	User bool
	ID   uint64
	PID  uint32
	Type *types.Type // for the mode, limit and map name
}

// Timestamp is strftime(fmt, ns): ns on the boot clock.
type Timestamp struct {
	NS     uint64
	Format string
}

// Inet is ntop(): Family is AF_INET (2) or AF_INET6 (10).
type Inet struct {
	Family uint32
	Addr   [16]byte
}

// Username is a uid printed as the user's name.
type Username uint64

// Probe is a probe id printed as the probe's full name.
type Probe uint64

// Errno is printed as strerror(n).
type Errno int64

// SyscallName is a syscall number printed as its name.
type SyscallName int64

// SignalName is a signal number printed as its name (SIGKILL).
type SignalName int64

// MAC is a link-layer address.
type MAC [6]byte

func (Int) isValue()         {}
func (Bool) isValue()        {}
func (String) isValue()      {}
func (Buffer) isValue()      {}
func (Pointer) isValue()     {}
func (Array) isValue()       {}
func (Tuple) isValue()       {}
func (Record) isValue()      {}
func (Enum) isValue()        {}
func (None) isValue()        {}
func (KSym) isValue()        {}
func (USym) isValue()        {}
func (Stack) isValue()       {}
func (Timestamp) isValue()   {}
func (Inet) isValue()        {}
func (Username) isValue()    {}
func (Probe) isValue()       {}
func (Errno) isValue()       {}
func (SyscallName) isValue() {}
func (SignalName) isValue()  {}
func (MAC) isValue()         {}

// Int64 returns v as a signed number.
func (v Int) Int64() int64 { return int64(v.Bits) }

// I64 and U64 build Ints.
func I64(n int64) Int  { return Int{Bits: uint64(n), Signed: true} }
func U64(n uint64) Int { return Int{Bits: n} }

// Str builds a String that was not truncated.
func Str(s string) String { return String{S: s} }
