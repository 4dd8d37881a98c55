package runtime

import (
	"os"
	"os/exec"

	"sonde/runtime/attach"
)

// releaseEnv marks a re-executed sonde that only holds perf events until
// it exits.
const releaseEnv = "SONDE_RELEASE_EVENTS"

// releaseEvents closes the perf events of detached tracepoints without
// waiting for the kernel to destroy them, which takes 30-40 ms each, one
// at a time (a tenth of a second for three, most of a second for twenty).
// Their programs are detached already, so nothing is traced any more: a
// re-executed sonde inherits the events and exits at once, and the kernel
// destroys them in that process's exit while this one goes on. If the
// helper cannot start, the events are closed here.
func releaseEvents(events []*os.File) error {
	if len(events) == 0 {
		return nil
	}
	self, err := os.Executable()
	if err == nil {
		cmd := exec.Command(self)
		cmd.Env = []string{releaseEnv + "=1"}
		cmd.ExtraFiles = events // stdin, stdout and stderr are /dev/null
		if err = cmd.Start(); err == nil {
			for _, f := range events {
				f.Close() // not the last reference: cheap
			}
			go cmd.Wait() // reap it if this process lives on
			return nil
		}
	}
	return attach.CloseFiles(events)
}

// maybeRelease ends a process started by releaseEvents: exiting closes the
// events it inherited.
func maybeRelease() {
	if os.Getenv(releaseEnv) != "" {
		os.Exit(0)
	}
}
