package compiler

import (
	"math"

	"github.com/cilium/ebpf/asm"
)

// longestJump is the farthest jump of insns, in instructions. A BPF jump
// has a 16-bit offset; cilium/ebpf truncates a longer one silently and the
// kernel then rejects the program ("jump out of range"), so the compiler
// reports a probe that needs one instead.
func longestJump(insns asm.Instructions) int {
	at := map[string]int{}
	pos := make([]int, len(insns))
	n := 0
	for i, in := range insns {
		pos[i] = n
		if sym := in.Symbol(); sym != "" {
			at[sym] = n
		}
		n += int(in.Size() / asm.InstructionSize)
	}
	longest := 0
	for i, in := range insns {
		op := in.OpCode
		if !op.Class().IsJump() {
			continue
		}
		if j := op.JumpOp(); j == asm.Exit || j == asm.Call {
			continue
		}
		t, ok := at[in.Reference()]
		if !ok {
			continue
		}
		d := t - (pos[i] + 1)
		if d < 0 {
			d = -d - 1 // the range is [-32768, 32767]
		}
		longest = max(longest, d)
	}
	return longest
}

const maxJump = math.MaxInt16
