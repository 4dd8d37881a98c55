package main

import (
	"os"
	"testing"
)

// Forms that scripts written for older bpftrace use, and that must run.
func TestE2ECompat(t *testing.T) {
	libpthread := "/lib/x86_64-linux-gnu/libpthread.so.0"
	stub := ""
	if _, err := os.Stat(libpthread); err != nil {
		stub = "no " + libpthread + " on this machine"
	}
	runE2E(t, []e2eCase{
		{name: "map_first_assigned_from_itself_reads_as_zero",
			work: "read:4:100",
			prog: `tracepoint:syscalls:sys_exit_read /pid == cpid && args.ret == 100/ { @bytes = @bytes + args.ret; @calls[comm] = @calls[comm] + 1; } END { clear(@calls); }`,
			want: "\n\n@bytes: 400\n"},
		{name: "pointer_and_integer_keys_of_one_map",
			prog: `BEGIN { @m[(uint64)curtask] = 1; @m[curtask] += 2; @v = curtask; @v = (uint64)7; printf("%d %d %d\n", @m[(uint64)curtask], @m[curtask], @v); clear(@m); exit(); }`,
			want: "3 3 7\n\n\n@v: 7\n"},
		{name: "script_struct_copies_part_of_a_kernel_struct",
			prog: `struct task_start { struct thread_info thread_info; unsigned int __state; };
struct pair { char c; unsigned long l; int arr[3]; };
BEGIN { $p = (struct task_start *)curtask; printf("%d %d %d %d %d\n", $p->__state, curtask->__state, offsetof(struct task_start, __state) == offsetof(struct task_struct, __state), sizeof(struct pair), offsetof(struct pair, arr)); exit(); }`,
			want: "0 0 1 32 16\n\n\n"},
		{name: "script_struct_errors_where_used",
			prog: `struct bad { int x : 3; };
BEGIN { $p = (struct bad *)0; printf("%d\n", $p->x); }`,
			code:  1,
			errRe: `stdin:2:15: error: struct bad \(defined at line 1\): member x: bit-fields are not supported`},
		{name: "uprobe_on_a_function_glibc_moved_to_libc",
			skip:  stub,
			prog:  `uprobe:` + libpthread + `:pthread_mutex_lock { @ = count(); }`,
			code:  1,
			errRe: `(?s)stdin:1:1: error: ` + libpthread + ` exists but no longer defines pthread_mutex_lock: /\S*libc.so.6, which it links against, does\n.*hint: probe uprobe:/\S*libc.so.6:pthread_mutex_lock`},
	})
}
