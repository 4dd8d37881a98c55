package runtime

import (
	"golang.org/x/sys/unix"
)

// watchExit returns a channel closed when process pid exits (-p: the run
// ends with its target, as bpftrace's does), or never when the process
// cannot be watched. The watcher stops when stop is closed.
func watchExit(pid int, stop <-chan struct{}) <-chan struct{} {
	done := make(chan struct{})
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		if err == unix.ESRCH {
			close(done)
		}
		return done
	}
	go func() {
		defer unix.Close(fd)
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		for {
			select {
			case <-stop:
				return
			default:
			}
			// A pidfd polls readable once the process has exited.
			n, err := unix.Poll(fds, 100)
			if err != nil && err != unix.EINTR {
				return
			}
			if n > 0 {
				close(done)
				return
			}
		}
	}()
	return done
}
