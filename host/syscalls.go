package host

import (
	goruntime "runtime"
	"strconv"
	"sync"

	"sonde/runtime/output"
)

// syscallEntry names the syscalls whose tracepoints are named after the
// kernel function (SYSCALL_DEFINE) rather than the syscall: x86_64's table
// enters stat as sys_newstat.
var syscallEntry = map[string]string{
	"newstat": "stat", "newfstat": "fstat", "newlstat": "lstat",
	"newuname": "uname", "sendfile64": "sendfile", "umount": "umount2",
}

var syscallNrs = sync.OnceValue(func() map[string]int {
	m := map[string]int{}
	for nr := 0; nr < 1024; nr++ {
		name := output.SyscallNameOf(int64(nr))
		if name != strconv.Itoa(nr) {
			m[name] = nr
		}
	}
	return m
})

// SyscallNr numbers the syscall of the syscalls:sys_enter_NAME and
// sys_exit_NAME tracepoints, from x86_64's syscall table (numbers are
// ABI: they never change).
func (kernelFacts) SyscallNr(name string) (int, bool) {
	if goruntime.GOARCH != "amd64" {
		return 0, false
	}
	if n, ok := syscallEntry[name]; ok {
		name = n
	}
	nr, ok := syscallNrs()[name]
	return nr, ok
}
