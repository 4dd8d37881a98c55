package tracefs

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sonde/internal/spell"
	"strconv"
	"strings"

	"sonde/types"
)

// Event is a tracepoint's record layout, from events/GROUP/EVENT/format.
type Event struct {
	Group, Name string
	ID          uint32   // the perf tracepoint id
	Fields      []*Field // every field in record order, common_* first
}

// Field is one member of a tracepoint record.
type Field struct {
	Name   string
	Decl   string // the declaration as the format file writes it: "const char * filename"
	CType  string // the C type without the name: "const char *", "char[16]", "char[]"
	Offset int    // in the record
	Size   int    // bytes the field occupies in the record
	Signed bool

	// Common fields (common_pid, ...) precede every record; bpftrace hides
	// them from args.
	Common bool

	// DataLoc fields are a u32 in the record: the low 16 bits hold the
	// offset of the data from the record start, the high 16 bits its length.
	// RelLoc (__rel_loc) is the same, but the offset counts from the end of
	// the field.
	DataLoc bool
	RelLoc  bool

	// ArrayLen is the element count of a fixed array (`char comm[16]`), 0
	// otherwise.
	ArrayLen int

	// Type is the value type of the field. For a fixed `char[N]` it is a
	// string of N bytes, as bpftrace treats them. For DataLoc/RelLoc fields
	// it is the type of the data the u32 locates: a String of Size 0 for
	// `char[]`, an Array of Len 0 otherwise (the length is only known per
	// record). Pointers to structs point to a Struct with only Name set, to
	// be resolved through BTF.
	Type *types.Type
}

// Args returns the fields bpftrace shows as args: all but the common ones.
func (e *Event) Args() []*Field {
	var args []*Field
	for _, f := range e.Fields {
		if !f.Common {
			args = append(args, f)
		}
	}
	return args
}

// Field returns the field called name, or nil.
func (e *Event) Field(name string) *Field {
	for _, f := range e.Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// Format reads and parses the format of tracepoint group:event.
func Format(group, event string) (*Event, error) {
	if err := checkName(group); err != nil {
		return nil, err
	}
	if err := checkName(event); err != nil {
		return nil, err
	}
	root, err := Mount()
	if err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(root, "events", group, event, "format"))
	if err != nil {
		if os.IsNotExist(err) {
			return nil, &NotFoundError{Msg: fmt.Sprintf("tracepoint %s:%s does not exist", group, event),
				Hint: suggestEvent(root, group, event)}
		}
		return nil, fmt.Errorf("tracepoint %s:%s: %w", group, event, err)
	}
	defer f.Close()
	return ParseFormat(f, group, event)
}

// ParseFormat parses a tracepoint format file. group and event say which
// tracepoint it describes; syscall entry tracepoints get user-space pointers.
func ParseFormat(r io.Reader, group, event string) (*Event, error) {
	ev := &Event{Group: group, Name: event}
	user := group == "syscalls" && strings.HasPrefix(event, "sys_enter_")
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20) // print fmt lines get long
	common := true
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
			// The blank line after the common fields ends them.
			if len(ev.Fields) > 0 {
				common = false
			}
		case strings.HasPrefix(line, "ID:"):
			id, err := strconv.ParseUint(strings.TrimSpace(line[3:]), 10, 32)
			if err != nil {
				return nil, fmt.Errorf("%s:%s format line %d: bad ID: %w", group, event, n, err)
			}
			ev.ID = uint32(id)
		case strings.HasPrefix(line, "field:"):
			f, err := parseField(line)
			if err != nil {
				return nil, fmt.Errorf("%s:%s format line %d: %w", group, event, n, err)
			}
			// Older kernels lack the blank line; the prefix is the rule.
			f.Common = common && strings.HasPrefix(f.Name, "common_")
			f.Type = fieldType(f, user)
			ev.Fields = append(ev.Fields, f)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%s format: %w", group, event, err)
	}
	if len(ev.Fields) == 0 {
		return nil, fmt.Errorf("%s:%s format: no fields", group, event)
	}
	return ev, nil
}

// parseField parses
//
//	field:DECL;	offset:N;	size:N;	signed:N;
func parseField(line string) (*Field, error) {
	f := &Field{}
	var haveOff, haveSize bool
	for _, part := range strings.Split(line, ";") {
		part = strings.TrimSpace(part)
		key, val, ok := strings.Cut(part, ":")
		if !ok {
			continue
		}
		var err error
		switch key {
		case "field":
			err = f.parseDecl(strings.TrimSpace(val))
		case "offset":
			f.Offset, err = strconv.Atoi(val)
			haveOff = true
		case "size":
			f.Size, err = strconv.Atoi(val)
			haveSize = true
		case "signed":
			f.Signed = val == "1"
		}
		if err != nil {
			return nil, fmt.Errorf("field %q: %s: %w", part, key, err)
		}
	}
	if f.Name == "" || !haveOff || !haveSize {
		return nil, fmt.Errorf("malformed field %q", line)
	}
	return f, nil
}

// parseDecl splits a C declaration into type and name:
//
//	const char *const * argv       -> "const char *const *", argv
//	char prev_comm[16]             -> "char[16]", prev_comm (ArrayLen 16)
//	__data_loc char[] filename     -> "char[]", filename (DataLoc)
//	u8 saddr[sizeof(struct in6)]   -> "u8[sizeof(struct in6)]", saddr (length from size)
func (f *Field) parseDecl(decl string) error {
	f.Decl = decl
	rest := decl
	switch {
	case strings.HasPrefix(rest, "__data_loc "):
		f.DataLoc = true
		rest = strings.TrimSpace(rest[len("__data_loc "):])
	case strings.HasPrefix(rest, "__rel_loc "):
		f.DataLoc, f.RelLoc = true, true
		rest = strings.TrimSpace(rest[len("__rel_loc "):])
	}

	// A trailing [..] belongs to the name: `char comm[16]`.
	var dims string
	if strings.HasSuffix(rest, "]") {
		depth := 0
		for i := len(rest) - 1; i >= 0; i-- {
			switch rest[i] {
			case ']':
				depth++
			case '[':
				depth--
			}
			if depth == 0 {
				dims, rest = rest[i:], strings.TrimSpace(rest[:i])
				break
			}
		}
	}

	i := len(rest)
	for i > 0 && isIdent(rest[i-1]) {
		i--
	}
	f.Name = rest[i:]
	ctype := strings.TrimSpace(rest[:i])
	if f.Name == "" || ctype == "" {
		return fmt.Errorf("cannot split %q into type and name", decl)
	}
	f.CType = ctype + dims
	if dims != "" && !f.DataLoc {
		f.ArrayLen = -1 // known once size is parsed, see fieldType
		if n, err := strconv.Atoi(strings.TrimSpace(dims[1 : len(dims)-1])); err == nil {
			f.ArrayLen = n
		}
	}
	return nil
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// NotFoundError is a tracepoint that does not exist, with the closest
// existing names as a hint (Hinted, which the compiler shows).
type NotFoundError struct {
	Msg, Hint string
}

func (e *NotFoundError) Error() string  { return e.Msg }
func (e *NotFoundError) Hinted() string { return e.Hint }

// IsMissing says the probe names nothing that exists, which a script's
// missing_probes setting may skip.
func (e *NotFoundError) IsMissing() bool { return true }

// suggestEvent names the tracepoint closest to group:event: another event
// of the group, or the event in the closest group.
func suggestEvent(root, group, event string) string {
	names := func(dir string) []string {
		entries, _ := os.ReadDir(dir)
		var out []string
		for _, e := range entries {
			if e.IsDir() {
				out = append(out, e.Name())
			}
		}
		return out
	}
	events := filepath.Join(root, "events")
	if _, err := os.Stat(filepath.Join(events, group)); err == nil {
		if s := spell.DidYouMean(event, names(filepath.Join(events, group))); s != "" {
			return fmt.Sprintf("did you mean %s:%s?", group, s)
		}
		return ""
	}
	if g := spell.DidYouMean(group, names(events)); g != "" {
		return fmt.Sprintf("did you mean %s:%s?", g, event)
	}
	return ""
}
