package runtime

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// watchPid returns a channel closed when process pid exits, for -p: like
// bpftrace, tracing a process ends with it. A pidfd becomes readable when
// the process exits, so no polling loop is needed.
func watchPid(pid int) (<-chan struct{}, func(), error) {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		if err == unix.ESRCH {
			return nil, nil, fmt.Errorf("-p %d: no such process", pid)
		}
		return nil, nil, fmt.Errorf("-p %d: %w", pid, err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		for {
			n, err := unix.Poll(fds, -1)
			if err == unix.EINTR {
				continue
			}
			if err != nil || n > 0 {
				return
			}
		}
	}()
	// Closing the pidfd does not wake poll; the goroutine ends when the
	// process does (or with sonde).
	return done, func() { unix.Close(fd) }, nil
}
