package runtime

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// watchPid returns a channel closed when process pid exits, for -p: like
// bpftrace, tracing a process ends with it. A pidfd becomes readable when
// the process exits, so no polling loop is needed. The stop function ends
// the watch: closing a pidfd does not wake a poll on it, so an eventfd in
// the same poll does.
func watchPid(pid int) (<-chan struct{}, func(), error) {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		if err == unix.ESRCH {
			return nil, nil, fmt.Errorf("-p %d: no such process", pid)
		}
		return nil, nil, fmt.Errorf("-p %d: %w", pid, err)
	}
	wake, err := unix.Eventfd(0, unix.EFD_CLOEXEC)
	if err != nil {
		unix.Close(fd)
		return nil, nil, fmt.Errorf("-p %d: %w", pid, err)
	}
	done := make(chan struct{})
	ended := make(chan struct{}) // the goroutine no longer polls the fds
	go func() {
		defer close(ended)
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}, {Fd: int32(wake), Events: unix.POLLIN}}
		for {
			n, err := unix.Poll(fds, -1)
			if err == unix.EINTR {
				continue
			}
			if err == nil && fds[1].Revents != 0 {
				return // stopped
			}
			if err != nil || n > 0 {
				close(done)
				return
			}
		}
	}()
	stop := func() {
		unix.Write(wake, []byte{1, 0, 0, 0, 0, 0, 0, 0})
		<-ended
		unix.Close(wake)
		unix.Close(fd)
	}
	return done, stop, nil
}
