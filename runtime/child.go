package runtime

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	goruntime "runtime"
	"strings"
	"syscall"
)

// childWaitEnv marks a re-executed sonde that waits to exec the command.
const childWaitEnv = "SONDE_CHILD_WAIT"

// In the holder, main must run on the process's first thread: user probes
// under -c are perf events bound to the child's pid (its first thread), and
// an exec from another thread would end that thread and the events with it.
// (LockOSThread in init makes main run on the first thread.)
func init() {
	if os.Getenv(childWaitEnv) != "" {
		goruntime.LockOSThread()
	}
}

// StartChild starts cmdline held before exec until Resume, so its first
// instruction runs with every probe attached. The holder is sonde itself
// re-executed (a shell would make system calls of its own that scripts
// filtering on cpid would see); it execs the command in place, so the pid
// stays the same.
//
// onStop, when not nil, is called with the command's pid while the command
// is held stopped right after its exec and again at its exit, before its
// memory is gone: what it reads there (the mappings, for user symbols) is
// complete however short-lived the command is. See hold.go.
func StartChild(cmdline string, onStop func(pid int)) (*Child, error) {
	words, err := splitWords(cmdline)
	if err != nil {
		return nil, err
	}
	if len(words) == 0 {
		return nil, errors.New("-c needs a command")
	}
	path, err := exec.LookPath(words[0])
	if err != nil {
		return nil, fmt.Errorf("-c %s: %w", words[0], err)
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	rd, wr, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, append([]string{path}, words...)...)
	// The holder must make no system calls the script could see; async
	// preemption would make the Go runtime call getpid to signal itself.
	env := []string{childWaitEnv + "=1", "GODEBUG=asyncpreemptoff=1"}
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "GODEBUG=") {
			env = append(env, "SONDE_CHILD_GODEBUG="+strings.TrimPrefix(kv, "GODEBUG="))
			continue
		}
		env = append(env, kv)
	}
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.ExtraFiles = []*os.File{rd}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		rd.Close()
		wr.Close()
		return nil, fmt.Errorf("start %q: %w", cmdline, err)
	}
	rd.Close()
	c := &Child{cmd: cmd, done: make(chan struct{}), resume: wr, onStop: onStop}
	if onStop == nil {
		go c.wait()
		return c, nil
	}
	held := make(chan bool)
	go c.hold(held)
	c.held = <-held // before Resume: the exec must not be missed
	return c, nil
}

// MaybeExecChild is called first thing in main: in the holder process it
// waits for the go-ahead on fd 3, then becomes the command. It returns only
// in a normal sonde process.
func MaybeExecChild() {
	if os.Getenv(childWaitEnv) == "" {
		return
	}
	os.Unsetenv(childWaitEnv)
	os.Unsetenv("GODEBUG")
	if g, ok := os.LookupEnv("SONDE_CHILD_GODEBUG"); ok {
		os.Setenv("GODEBUG", g)
		os.Unsetenv("SONDE_CHILD_GODEBUG")
	}
	buf := make([]byte, 1)
	n, _ := syscall.Read(3, buf)
	syscall.Close(3)
	if n != 1 || len(os.Args) < 3 {
		// sonde went away before attaching: do not run the command.
		os.Exit(127)
	}
	err := syscall.Exec(os.Args[1], os.Args[2:], os.Environ())
	fmt.Fprintf(os.Stderr, "sonde: exec %s: %v\n", os.Args[1], err)
	os.Exit(127)
}

// splitWords splits a command line as a shell would for simple commands:
// blanks separate words; single quotes, double quotes and backslashes quote.
func splitWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	in := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			in = true
		case c == '\'' || c == '"':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return nil, fmt.Errorf("-c: unterminated %c quote", c)
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			in = true
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		words = append(words, cur.String())
	}
	return words, nil
}

// Resume lets the child exec its command.
func (c *Child) Resume() error {
	if c.resume == nil {
		return nil
	}
	_, err := c.resume.Write([]byte{1})
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
