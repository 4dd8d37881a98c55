package usym

import (
	"debug/elf"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// USDTProbe is one probe site from a .note.stapsdt note. A probe name
// used at several places in the source has one USDTProbe per site.
type USDTProbe struct {
	Provider, Name string

	PC        uint64 // link-time address of the probe's nop, prelink-adjusted
	Semaphore uint64 // link-time address of the semaphore; 0 when none

	FileOffset      uint64 // for link.UprobeOptions.Address
	SemaphoreOffset uint64 // for link.UprobeOptions.RefCtrOffset; 0 when none

	ArgSpec string    // as written by sys/sdt.h: "-4@%edi 8@-16(%rbp)"
	Args    []USDTArg // ArgSpec decoded
	ArgErr  error     // why ArgSpec could not be decoded, if it could not
}

// USDTArgKind says where a USDT argument's value lives.
type USDTArgKind int

const (
	ArgConst USDTArgKind = iota // the value is Const
	ArgReg                      // the value is in register Reg
	ArgMem                      // the value is at Reg + Offset (+ IndexReg*Scale)
)

func (k USDTArgKind) String() string {
	return [...]string{"const", "reg", "mem"}[k]
}

// USDTArg is one decoded argument of a USDT probe (x86_64 AT&T syntax).
//
// For ArgMem with Reg "ip" the operand is PC-relative: its address is
// that of Symbol (found with File.Var) plus Offset, moved by the
// module's load bias, not the ip register plus Offset.
type USDTArg struct {
	Size   int  // bytes: 1, 2, 4 or 8
	Signed bool // sign-extend to 64 bits
	Kind   USDTArgKind

	Reg      string // struct pt_regs field: "di", "bp", "r8", "ip"; "" when absent
	Offset   int64  // ArgMem displacement
	Symbol   string // ArgMem symbolic displacement (global_var in global_var+8(%rip))
	IndexReg string // ArgMem index register, as a pt_regs field
	Scale    int    // ArgMem index scale: 1, 2, 4 or 8
	Const    int64  // ArgConst value
}

// USDTProbes returns the file's probe sites in note order.
func (f *File) USDTProbes() ([]USDTProbe, error) { return f.probes, f.usdtErr }

// MatchUSDT returns the probe sites matching "provider:name" or just
// "name" (any provider), each part a wildcard pattern.
func (f *File) MatchUSDT(pattern string) []USDTProbe {
	var out []USDTProbe
	for _, p := range f.probes {
		if matchUSDT(pattern, p) {
			out = append(out, p)
		}
	}
	return out
}

func matchUSDT(pattern string, p USDTProbe) bool {
	prov, name, hasProv := strings.Cut(pattern, ":")
	if !hasProv {
		prov, name = "*", pattern
	}
	if prov == "" {
		prov = "*" // usdt:BIN::probe: any provider
	}
	return Wildcard(prov, p.Provider) && Wildcard(name, p.Name)
}

const ntStapSDT = 3

// readUSDT decodes .note.stapsdt. Each note's descriptor is pc, base and
// semaphore (address-sized), then provider, name and argument spec as C
// strings.
func readUSDT(ef *elf.File, f *File) ([]USDTProbe, error) {
	sec := ef.Section(".note.stapsdt")
	if sec == nil {
		return nil, nil
	}
	data, err := sec.Data()
	if err != nil {
		return nil, fmt.Errorf("%s: reading .note.stapsdt: %w", f.Path, err)
	}
	// Prelink moves the code but not the notes: the distance between
	// .stapsdt.base now and when the note was written moves them back.
	var baseNow uint64
	if b := ef.Section(".stapsdt.base"); b != nil {
		baseNow = b.Addr
	}
	addrSize := 8
	if ef.Class == elf.ELFCLASS32 {
		addrSize = 4
	}
	bo := ef.ByteOrder
	word := func(b []byte) uint64 {
		if addrSize == 4 {
			return uint64(bo.Uint32(b))
		}
		return bo.Uint64(b)
	}

	var probes []USDTProbe
	for len(data) >= 12 {
		namesz, descsz, typ := bo.Uint32(data), bo.Uint32(data[4:]), bo.Uint32(data[8:])
		nameEnd := 12 + align4(namesz)
		descEnd := nameEnd + align4(descsz)
		if descEnd > uint64(len(data)) || nameEnd+uint64(descsz) > uint64(len(data)) {
			return probes, fmt.Errorf("%s: truncated .note.stapsdt", f.Path)
		}
		owner := strings.TrimRight(string(data[12:12+namesz]), "\x00")
		desc := data[nameEnd : nameEnd+uint64(descsz)]
		data = data[descEnd:]
		if owner != "stapsdt" || typ != ntStapSDT || len(desc) < 3*addrSize {
			continue
		}
		p := USDTProbe{PC: word(desc), Semaphore: word(desc[2*addrSize:])}
		if base := word(desc[addrSize:]); baseNow != 0 && base != 0 {
			p.PC += baseNow - base
			if p.Semaphore != 0 {
				p.Semaphore += baseNow - base
			}
		}
		strs := strings.SplitN(string(desc[3*addrSize:]), "\x00", 4)
		if len(strs) < 3 {
			return probes, fmt.Errorf("%s: malformed stapsdt note", f.Path)
		}
		p.Provider, p.Name, p.ArgSpec = strs[0], strs[1], strs[2]
		if p.FileOffset, err = f.FileOffset(p.PC); err != nil {
			return probes, err
		}
		if p.Semaphore != 0 {
			if p.SemaphoreOffset, err = f.FileOffset(p.Semaphore); err != nil {
				return probes, err
			}
		}
		p.Args, p.ArgErr = ParseUSDTArgs(p.ArgSpec)
		probes = append(probes, p)
	}
	sort.SliceStable(probes, func(i, j int) bool { return probes[i].PC < probes[j].PC })
	return probes, nil
}

func align4(n uint32) uint64 { return (uint64(n) + 3) &^ 3 }

// ParseUSDTArgs decodes a space-separated x86_64 argument spec such as
// "-4@%edi 8@-16(%rbp) 4@$5 8@8(%rax,%rdx,8)".
func ParseUSDTArgs(spec string) ([]USDTArg, error) {
	var args []USDTArg
	for _, s := range strings.Fields(spec) {
		a, err := ParseUSDTArg(s)
		if err != nil {
			return nil, err
		}
		args = append(args, a)
	}
	return args, nil
}

// ParseUSDTArg decodes one argument: [-]SIZE@OPERAND, where OPERAND is
// $imm, %reg, or disp(%base[,%index[,scale]]). Without a size the
// register's width is used.
func ParseUSDTArg(s string) (USDTArg, error) {
	var a USDTArg
	bad := func(why string) (USDTArg, error) {
		return USDTArg{}, fmt.Errorf("usdt argument %q: %s", s, why)
	}
	op := s
	if sz, rest, ok := strings.Cut(s, "@"); ok {
		a.Signed = strings.HasPrefix(sz, "-")
		n, err := strconv.Atoi(strings.TrimPrefix(sz, "-"))
		if err != nil || (n != 1 && n != 2 && n != 4 && n != 8) {
			return bad("size must be 1, 2, 4 or 8")
		}
		a.Size, op = n, rest
	}
	switch {
	case strings.HasPrefix(op, "$"):
		v, err := strconv.ParseInt(op[1:], 0, 64)
		if err != nil {
			return bad("bad constant")
		}
		a.Kind, a.Const = ArgConst, v
		if a.Size == 0 {
			a.Size, a.Signed = 8, true
		}
	case strings.HasPrefix(op, "%"):
		reg, width, ok := normalizeReg(op[1:])
		if !ok {
			return bad("unknown register")
		}
		a.Kind, a.Reg = ArgReg, reg
		if a.Size == 0 {
			a.Size = width
		}
	default:
		disp, inner, hasParen := strings.Cut(op, "(")
		a.Kind = ArgMem
		if hasParen {
			inner, ok := strings.CutSuffix(inner, ")")
			if !ok {
				return bad("unbalanced parentheses")
			}
			parts := strings.Split(inner, ",")
			if len(parts) > 3 {
				return bad("too many address parts")
			}
			var err error
			if a.Reg, err = memReg(parts[0]); err != nil {
				return bad(err.Error())
			}
			if len(parts) > 1 {
				if a.IndexReg, err = memReg(parts[1]); err != nil || a.IndexReg == "" {
					return bad("bad index register")
				}
				a.Scale = 1
			}
			if len(parts) > 2 {
				if a.Scale, err = strconv.Atoi(strings.TrimSpace(parts[2])); err != nil ||
					(a.Scale != 1 && a.Scale != 2 && a.Scale != 4 && a.Scale != 8) {
					return bad("scale must be 1, 2, 4 or 8")
				}
			}
		}
		if err := a.parseDisp(disp); err != nil {
			return bad(err.Error())
		}
		if !hasParen && a.Symbol == "" && disp == "" {
			return bad("empty operand")
		}
		if a.Size == 0 {
			a.Size = 8
		}
	}
	return a, nil
}

// parseDisp reads a displacement: "-16", "0x10", "sym", "sym+8", "sym-8".
func (a *USDTArg) parseDisp(d string) error {
	if d == "" {
		return nil
	}
	if v, err := strconv.ParseInt(d, 0, 64); err == nil {
		a.Offset = v
		return nil
	}
	sym, off := d, ""
	if i := strings.LastIndexAny(d, "+-"); i > 0 {
		sym, off = d[:i], d[i:]
	}
	if off != "" {
		v, err := strconv.ParseInt(off, 0, 64)
		if err != nil {
			return errors.New("bad displacement")
		}
		a.Offset = v
	}
	a.Symbol = sym
	return nil
}

func memReg(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	reg, width, ok := normalizeReg(strings.TrimPrefix(s, "%"))
	if !ok || !strings.HasPrefix(s, "%") || width < 4 {
		return "", fmt.Errorf("bad address register %q", s)
	}
	return reg, nil
}

// x86Regs maps every x86_64 register name to its struct pt_regs field
// and width in bytes: eax, ax and al all live in the ax slot.
var x86Regs = func() map[string]struct {
	field string
	width int
} {
	m := map[string]struct {
		field string
		width int
	}{}
	add := func(name, field string, width int) {
		m[name] = struct {
			field string
			width int
		}{field, width}
	}
	for _, r := range []string{"ax", "bx", "cx", "dx"} {
		add("r"+r, r, 8)
		add("e"+r, r, 4)
		add(r, r, 2)
		add(r[:1]+"l", r, 1)
	}
	for _, r := range []string{"si", "di", "bp", "sp"} {
		add("r"+r, r, 8)
		add("e"+r, r, 4)
		add(r, r, 2)
		add(r+"l", r, 1)
	}
	for i := 8; i <= 15; i++ {
		r := "r" + strconv.Itoa(i)
		add(r, r, 8)
		add(r+"d", r, 4)
		add(r+"w", r, 2)
		add(r+"b", r, 1)
		add(r+"l", r, 1)
	}
	add("rip", "ip", 8)
	add("eip", "ip", 4)
	return m
}()

// normalizeReg maps an x86_64 register name (without %) to its pt_regs
// field and width. The high-byte registers (ah...) are not supported.
func normalizeReg(name string) (field string, width int, ok bool) {
	r, ok := x86Regs[name]
	return r.field, r.width, ok
}

// ptRegsFields is the x86_64 struct pt_regs layout, 8 bytes a field.
var ptRegsFields = []string{
	"r15", "r14", "r13", "r12", "bp", "bx", "r11", "r10", "r9", "r8",
	"ax", "cx", "dx", "si", "di", "orig_ax", "ip", "cs", "flags", "sp", "ss",
}

// PtRegsOffset returns the byte offset of a register within the x86_64
// struct pt_regs. It takes a pt_regs field ("di") or any register name
// ("rdi", "edi", "dil").
func PtRegsOffset(reg string) (int, bool) {
	if r, ok := x86Regs[reg]; ok {
		reg = r.field
	}
	for i, f := range ptRegsFields {
		if f == reg {
			return 8 * i, true
		}
	}
	return 0, false
}
