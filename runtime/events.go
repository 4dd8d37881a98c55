package runtime

import (
	"sonde/plan"

	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/cilium/ebpf"

	"sonde/runtime/mapdata"
	"sonde/runtime/output"
)

// handle runs the action of one ring-buffer record.
func (r *run) handle(rec []byte) error {
	if len(rec) < 8 {
		return fmt.Errorf("short event record (%d bytes)", len(rec))
	}
	id := binary.LittleEndian.Uint64(rec)
	if id >= uint64(len(r.plan.Actions)) {
		return fmt.Errorf("event with unknown action id %d", id)
	}
	a := r.plan.Actions[id]
	payload := rec[8:]
	if a.Args != nil && a.Kind != plan.ActJoin && len(payload) < a.Args.Size {
		return fmt.Errorf("short payload for %s", a.Source)
	}
	if a.Kind == plan.ActPrintf {
		// The hot path: format straight from the record, allocation-free.
		r.buf = r.format(id, a).AppendRaw(r.buf[:0], a.Args, payload, r.opts.Env)
		r.out.Event(output.Event{Kind: output.KindPrintf, Text: r.buf})
		return nil
	}
	var args []output.Value
	if a.Args != nil && a.Kind != plan.ActJoin {
		args = output.DecodeArgs(a.Args, payload)
	}
	switch a.Kind {
	case plan.ActErrorf, plan.ActWarnf:
		if a.Kind == plan.ActWarnf && r.opts.NoWarnings {
			break
		}
		s, err := output.Sprintf(a.Format, args, r.opts.Env)
		if err != nil {
			return err
		}
		kind := output.KindWarnf
		if a.Kind == plan.ActErrorf {
			kind = output.KindErrorf
		}
		loc := output.SourceLoc{File: r.filename, Line: a.Pos.Line, Col: a.Pos.Col}
		if a.End.Line == a.Pos.Line {
			loc.EndCol = a.End.Col
		}
		r.out.Event(output.Event{Kind: kind, Text: []byte(s), Loc: loc})
	case plan.ActPrintValue:
		r.out.Event(output.Event{Kind: output.KindValue, Value: args[0]})
	case plan.ActTime:
		r.message(output.KindTime, output.Strftime(a.Format, time.Now()))
	case plan.ActExit:
		code := 0
		if len(args) > 0 {
			if n, ok := args[0].(output.Int); ok {
				code = int(n.Int64())
			}
		}
		// The first exit() decides the code, even when the run was already
		// ending (a begin-only script that calls exit(3)).
		r.mu.Lock()
		if !r.sawExit {
			r.sawExit = true
			r.exitCode = code
		}
		r.mu.Unlock()
		r.requestExit(code)
	case plan.ActPrintMap:
		info := r.mapByName(a.Map)
		data, err := r.mapData(info)
		if err != nil {
			return err
		}
		top, div := a.Top, a.Div
		// Run-time top and div travel in the record (print(@m, $n)).
		if len(args) == 2 {
			if n, ok := args[0].(output.Int); ok {
				top = int(n.Int64())
			}
			if n, ok := args[1].(output.Int); ok {
				div = int(n.Int64())
			}
		}
		r.out.Map(data, max(top, 0), max(div, 0))
	case plan.ActClear:
		return r.clearMap(r.mapByName(a.Map), false)
	case plan.ActZero:
		return r.clearMap(r.mapByName(a.Map), true)
	case plan.ActCat:
		s, err := output.Sprintf(a.Format, args, r.opts.Env)
		if err != nil {
			return err
		}
		data, err := readLimited(s, r.plan.Config.MaxCatBytes)
		if err != nil {
			fmt.Fprintf(r.stderr(), "ERROR: cat: %v\n", err)
			return nil
		}
		r.out.Event(output.Event{Kind: output.KindCat, Text: data})
	case plan.ActSystem:
		s, err := output.Sprintf(a.Format, args, r.opts.Env)
		if err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		out, _ := exec.CommandContext(ctx, "/bin/sh", "-c", s).Output()
		cancel()
		r.out.Event(output.Event{Kind: output.KindSystem, Text: out})
	case plan.ActJoin:
		r.message(output.KindJoin, decodeJoin(a, payload))
	}
	return nil
}

// message prints a message event.
func (r *run) message(kind output.Kind, s string) {
	r.buf = append(r.buf[:0], s...)
	r.out.Event(output.Event{Kind: kind, Text: r.buf})
}

// format returns the parsed printf format of action id, parsing it once.
func (r *run) format(id uint64, a *plan.Action) *output.Format {
	if r.formats == nil {
		r.formats = make([]*output.Format, len(r.plan.Actions))
	}
	if r.formats[id] == nil {
		r.formats[id] = output.ParseFormat(a.Format)
	}
	return r.formats[id]
}

// decodeJoin joins the strings of a join() record: a u64 count then a fixed
// array of strings.
func decodeJoin(a *plan.Action, payload []byte) string {
	n := int(binary.LittleEndian.Uint64(payload))
	arr := a.Args.Fields[1]
	elem := arr.Type.Elem.Size
	var parts []string
	for i := 0; i < n && i < arr.Type.Len; i++ {
		b := payload[arr.Offset+i*elem : arr.Offset+(i+1)*elem]
		if j := bytes.IndexByte(b, 0); j >= 0 {
			b = b[:j]
		}
		parts = append(parts, string(b))
	}
	return strings.Join(parts, a.Sep)
}

func readLimited(path string, limit int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, limit)
	n, err := f.Read(buf)
	if err != nil && n == 0 && err.Error() != "EOF" {
		return nil, err
	}
	return buf[:n], nil
}

// clearMap deletes every key (clear) or zeroes every value (zero). Arrays
// cannot lose keys, so clearing them zeroes them.
func (r *run) clearMap(info *plan.MapInfo, zero bool) error {
	if info == nil {
		return nil
	}
	m := r.coll.Maps[info.MapName]
	raw, err := readMap(m, r.ncpu)
	if err != nil {
		return err
	}
	isArray := m.Type() == ebpf.Array || m.Type() == ebpf.PerCPUArray
	if info.SetAt > 0 && zero {
		// A zeroed keyless aggregation still prints (`@c: 0`): keep the
		// CPUs' set words.
		return r.zeroKeepSet(m, info.SetAt, raw)
	}
	for i := 0; i < raw.N; i++ {
		k := raw.Key(i)
		if zero || isArray {
			if err := r.zeroKey(m, k); err != nil {
				return err
			}
			continue
		}
		_ = m.Delete(k)
	}
	return nil
}

// zeroKeepSet zeroes the values of a keyless aggregation's array but
// keeps each CPU's set word at setAt.
func (r *run) zeroKeepSet(m *ebpf.Map, setAt int, raw *mapdata.RawMap) error {
	for i := 0; i < raw.N; i++ {
		vals := make([][]byte, r.ncpu)
		for cpu := range vals {
			vals[cpu] = make([]byte, m.ValueSize())
			if cpu < raw.CPUs {
				if v := raw.Value(i, cpu); len(v) > setAt {
					copy(vals[cpu][setAt:], v[setAt:])
				}
			}
		}
		if err := m.Put(raw.Key(i), vals); err != nil {
			return err
		}
	}
	return nil
}

func (r *run) zeroKey(m *ebpf.Map, key []byte) error {
	if m.Type() == ebpf.PerCPUArray || m.Type() == ebpf.PerCPUHash || m.Type() == ebpf.LRUCPUHash {
		vals := make([][]byte, r.ncpu)
		for i := range vals {
			vals[i] = make([]byte, m.ValueSize())
		}
		return m.Put(key, vals)
	}
	return m.Put(key, make([]byte, m.ValueSize()))
}
