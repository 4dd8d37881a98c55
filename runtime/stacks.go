package runtime

import (
	"encoding/binary"
	"fmt"
	"math"
)

// stackFrames reads stack id from the stack-trace map name: the frame
// addresses, ending at the first zero. It backs output.Env.StackFrames for
// kstack and ustack values.
func (r *run) stackFrames(name string, id uint64) ([]uint64, error) {
	m := r.coll.Maps[name]
	if m == nil {
		return nil, fmt.Errorf("no stack map %s", name)
	}
	if id > math.MaxInt32 {
		// A negative id: bpf_get_stackid failed (no stack, or a hash
		// collision in a full map).
		return nil, fmt.Errorf("stack unavailable (error %d)", int64(id))
	}
	buf := make([]byte, m.ValueSize())
	if err := m.Lookup(uint32(id), buf); err != nil {
		return nil, err
	}
	frames := make([]uint64, 0, len(buf)/8)
	for i := 0; i+8 <= len(buf); i += 8 {
		a := binary.LittleEndian.Uint64(buf[i:])
		if a == 0 {
			break
		}
		frames = append(frames, a)
	}
	return frames, nil
}
