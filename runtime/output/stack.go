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
	for _, addr := range frames[:limit] {
		if addr == 0 {
			break
		}
		switch mode {
		case types.StackRaw:
			dst = strconv.AppendUint(dst, addr, 16)
		case types.StackPerf:
			dst = append(dst, '\t')
			dst = strconv.AppendUint(dst, addr, 16)
			dst = append(dst, ' ')
			dst = appendSym(dst, env, s.User, s.PID, addr, true)
		default:
			dst = append(dst, stackIndent...)
			dst = appendSym(dst, env, s.User, s.PID, addr, true)
		}
		dst = append(dst, '\n')
	}
	return dst
}
