package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// Iterators run one pass over the kernel's objects and end the run.
func TestE2EIter(t *testing.T) {
	me := os.Getpid()
	fds, _ := os.ReadDir("/proc/self/fd")
	runE2E(t, []e2eCase{
		{name: "iter_task_sees_this_process",
			prog: fmt.Sprintf(`iter:task /ctx->task->tgid == %d && ctx->task->pid == ctx->task->tgid/ { printf("%%s %%d\n", ctx->task->comm, ctx->task->pid); }`, me),
			want: fmt.Sprintf("%s %d\n\n\n", exeComm(t), me)},
		{name: "iter_task_file_counts_open_files",
			prog: fmt.Sprintf(`iter:task_file /ctx->task->pid == %d/ { @files = count(); @maxfd = max(ctx->fd); }`, me),
			check: func(t *testing.T, out, _ string) {
				var n, maxfd int
				if _, err := fmt.Sscanf(out, "\n\n@files: %d\n@maxfd: %d\n", &n, &maxfd); err != nil {
					t.Fatalf("output %q: %v", out, err)
				}
				// The test process opens and closes files while sonde runs
				// (BTF, tracefs): compare loosely with what it held before.
				if n < len(fds)-1 || maxfd < 2 {
					t.Errorf("%d files (max fd %d); /proc/self/fd had %d", n, maxfd, len(fds))
				}
			}},
		{name: "iter_ctx_dot_syntax",
			prog: fmt.Sprintf(`iter:task /ctx.task.tgid == %d && ctx.task.pid == ctx.task.tgid/ { @[ctx.task.pid] = count(); }`, me),
			want: fmt.Sprintf("\n\n@[%d]: 1\n", me)},
		{name: "iter_cannot_mix", prog: `iter:task { @ = count(); } BEGIN { }`,
			code: 1, errRe: `iter probes cannot be mixed with other probes`},
		{name: "iter_unknown", prog: `iter:tsk { }`,
			code: 1, errRe: `unknown iterator tsk: this kernel has no struct bpf_iter__tsk`},
	})
}

func TestE2EIterList(t *testing.T) {
	needRoot(t)
	out, errOut, code := sonde(t, "-l", "iter:task*")
	if code != 0 || !strings.Contains(out, "iter:task\n") || !strings.Contains(out, "iter:task_file\n") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
