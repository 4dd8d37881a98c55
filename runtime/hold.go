package runtime

import (
	"fmt"
	goruntime "runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// A -c command may run and exit in a millisecond, and its user stacks are
// usually printed after that, when /proc/PID/maps is gone: polling the
// mappings loses that race about half the time, and a poll made before the
// exec reads sonde's own holder, whose symbols then name the command's
// frames. So sonde holds the command with ptrace (PTRACE_SEIZE, which
// stops nothing by itself) and gets two stops: right after the exec, and
// at its exit before its memory is released. Each runs Child.onStop, and
// the command goes on. Signals are delivered as they would be without
// sonde; job-control stops stay stops.

// wait reaps the child without holding it.
func (c *Child) wait() {
	c.err = c.cmd.Wait()
	close(c.done)
}

// hold seizes the child and reports whether that worked (a seccomp policy
// or a container may forbid ptrace: then the child only runs, and user
// symbols fall back to polling), then reaps it, running onStop at its exec
// and exit stops. ptrace requests must come from the tracing thread.
func (c *Child) hold(held chan<- bool) {
	goruntime.LockOSThread()
	defer goruntime.UnlockOSThread()
	pid := c.cmd.Process.Pid
	const opts = unix.PTRACE_O_TRACEEXEC | unix.PTRACE_O_TRACEEXIT
	if _, _, e := unix.Syscall6(unix.SYS_PTRACE, unix.PTRACE_SEIZE, uintptr(pid), 0, opts, 0, 0); e != 0 {
		held <- false
		c.wait()
		return
	}
	held <- true
	defer close(c.done)
	for {
		var ws unix.WaitStatus
		if _, err := unix.Wait4(pid, &ws, unix.WALL, nil); err != nil {
			if err == unix.EINTR {
				continue
			}
			c.err = err
			return
		}
		switch {
		case ws.Exited():
			if ws.ExitStatus() != 0 {
				c.err = fmt.Errorf("exit status %d", ws.ExitStatus())
			}
			return
		case ws.Signaled():
			c.err = fmt.Errorf("signal: %v", ws.Signal())
			return
		case !ws.Stopped():
			continue
		}
		sig := ws.StopSignal()
		switch event := int(ws>>16) & 0xff; {
		case event == unix.PTRACE_EVENT_EXEC || event == unix.PTRACE_EVENT_EXIT:
			c.onStop(pid)
			unix.PtraceCont(pid, 0)
		case event == unix.PTRACE_EVENT_STOP:
			if isStopSignal(sig) {
				// A group stop: stay stopped until SIGCONT, as untraced.
				unix.Syscall6(unix.SYS_PTRACE, unix.PTRACE_LISTEN, uintptr(pid), 0, 0, 0, 0)
			} else {
				unix.PtraceCont(pid, 0)
			}
		default:
			// A signal on its way to the command: deliver it.
			unix.PtraceCont(pid, int(sig))
		}
	}
}

func isStopSignal(s syscall.Signal) bool {
	return s == unix.SIGSTOP || s == unix.SIGTSTP || s == unix.SIGTTIN || s == unix.SIGTTOU
}

// Held reports whether the child runs onStop at its exec and exit; when it
// does not, the caller must watch the process some other way.
func (c *Child) Held() bool { return c.held }
