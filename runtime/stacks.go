package runtime

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// StackFrames reads stack id (a hash of the frames, see compiler/stacks.go)
// from the stack map name: the frame addresses, ending at the first zero.
// It is output.Env.StackFrames for the kstack and ustack values of this
// script.
func (l *Loaded) StackFrames(name string, id uint64) ([]uint64, error) {
	// A reader of the maps (metrics) may print a stack while the run
	// closes them.
	l.life.RLock()
	defer l.life.RUnlock()
	if l.closed {
		return nil, ErrClosed
	}
	m := l.coll.Maps[name]
	if m == nil {
		return nil, fmt.Errorf("no stack map %s", name)
	}
	if id == 0 {
		return nil, errors.New("no stack") // none in the probe's context
	}
	buf := make([]byte, m.ValueSize())
	if err := m.Lookup(id, buf); err != nil {
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
