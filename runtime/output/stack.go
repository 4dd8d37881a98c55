package output

import (
	"strconv"

	"sonde/types"
)

// stackIndent is how far bpftrace indents frames in "bpftrace" mode.
const stackIndent = "        "

// appendStack renders a stack as bpftrace does: a newline, then one line
// per frame. A stack that cannot be read prints as nothing.
func appendStack(dst []byte, s Stack, env *Env) []byte {
	if env.StackFrames == nil || s.Type == nil {
		return dst
	}
	frames, err := env.StackFrames(s.Type.StackMap, s.ID)
	if err != nil {
		return dst
	}
	return appendFrames(dst, frames, s, env)
}

func appendFrames(dst []byte, frames []uint64, s Stack, env *Env) []byte {
	limit := len(frames)
	if s.Type != nil && s.Type.StackLimit > 0 {
		limit = min(limit, s.Type.StackLimit)
	}
	mode := types.StackBpftrace
	if s.Type != nil {
		mode = s.Type.StackMode
	}
	dst = append(dst, '\n')
	frames = frames[:limit]
	for i, addr := range frames {
		if addr == 0 {
			frames = frames[:i]
			break
		}
	}
	var names []string
	if env.Frames != nil && mode != types.StackRaw {
		names = env.Frames(!s.User, s.PID, frames)
	}
	sym := func(dst []byte, i int) []byte {
		if i < len(names) {
			return append(dst, names[i]...)
		}
		return appendSym(dst, env, s.User, s.PID, frames[i], true)
	}
	for i, addr := range frames {
		switch mode {
		case types.StackRaw:
			dst = strconv.AppendUint(dst, addr, 16)
		case types.StackPerf:
			dst = append(dst, '\t')
			dst = strconv.AppendUint(dst, addr, 16)
			dst = append(dst, ' ')
			dst = sym(dst, i)
			if s.User && env.UserModule != nil {
				// bpftrace names the mapped file of a user frame.
				dst = append(dst, " ("...)
				dst = append(dst, env.UserModule(s.PID, addr)...)
				dst = append(dst, ')')
			}
		default:
			dst = append(dst, stackIndent...)
			dst = sym(dst, i)
		}
		dst = append(dst, '\n')
	}
	return dst
}
