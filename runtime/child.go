package runtime

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

// StartChild starts cmdline under /bin/sh, held before exec until Resume,
// so its first instruction runs with every probe attached. The shell execs
// the command, so the pid stays the same.
func StartChild(cmdline string) (*Child, error) {
	rd, wr, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("/bin/sh", "-c", "read -r _ <&3; exec 3<&-; exec "+cmdline)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.ExtraFiles = []*os.File{rd}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		rd.Close()
		wr.Close()
		return nil, fmt.Errorf("start %q: %w", cmdline, err)
	}
	rd.Close()
	c := &Child{cmd: cmd, done: make(chan struct{}), resume: wr}
	go func() {
		c.err = cmd.Wait()
		close(c.done)
	}()
	return c, nil
}

// Resume lets the child exec its command.
func (c *Child) Resume() error {
	if c.resume == nil {
		return nil
	}
	_, err := c.resume.Write([]byte("go\n"))
	c.resume.Close()
	c.resume = nil
	return err
}

// Kill ends the child if it is still running (sonde exits first).
func (c *Child) Kill() {
	if c.resume != nil {
		c.resume.Close()
		c.resume = nil
	}
	select {
	case <-c.done:
	default:
		c.cmd.Process.Signal(syscall.SIGTERM)
	}
}
