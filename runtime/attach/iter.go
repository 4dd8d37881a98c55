package attach

import (
	"sonde/plan"

	"errors"
	"io"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
)

// attachIter attaches an iterator program (loaded with AttachTo = "task",
// "task_file", ...). Nothing runs until ReadIter opens an instance.
func attachIter(_ plan.Probe, prog *ebpf.Program) (Link, error) {
	return link.AttachIter(link.IterOptions{Program: prog})
}

// ReadIter starts one pass of an attached iterator: each read runs the
// program over more objects, and EOF ends the pass. Close the reader when
// done; the link stays attached for further passes.
func ReadIter(l Link) (io.ReadCloser, error) {
	it, ok := l.(*link.Iter)
	if !ok {
		return nil, errors.New("read iterator: not an iterator link")
	}
	return it.Open()
}
