package main

import (
	"os"
	"path/filepath"
	"testing"
)

// The constants of #include'd headers: read from the machine's headers
// where it has them, from the built-in table where it does not, with C's
// precedence (the script's #define, then a header's, then the table, then
// BTF enums).
func TestE2EHeaders(t *testing.T) {
	// A header directory standing in for a machine's own headers.
	dir := t.TempDir()
	writeHeader(t, dir, "linux/socket.h", `
#ifndef _MY_SOCKET_H
#define _MY_SOCKET_H
#include "sub/flags.h"
#define AF_INET 77          /* this machine's own value wins over the table */
#if MY_FLAGS > 2 && defined(AF_INET)
#define PICKED (MY_FLAGS << 4)
#elif 1
#define PICKED -1
#else
#error not taken
#endif
#define BPF_MAP_TYPE_HASH 99 /* a macro hides the BTF enum of the same name */
#define NOT_CONST(x) ((x) + 1)
#define USES_FN NOT_CONST(41)
#define A_STRING "text"
#define A_POINTER ((void *)0)
#define CAST ((unsigned int)~0)
struct declarations_are_skipped { int x; };
#endif
`)
	writeHeader(t, dir, "linux/sub/flags.h", "#define MY_FLAGS (1 | 2)\n")
	runE2E(t, []e2eCase{
		{name: "uapi_and_kernel_constants_from_the_table",
			flags: []string{"-nostdinc"},
			prog: `#include <linux/socket.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/icmp.h>
#include <net/sock.h>
BEGIN { printf("%d %d %d %d %d %d %d %d %d %d\n", AF_INET, AF_UNSPEC, AF_INET6, EPERM, ENOENT, DT_REG, DT_FIFO, TASK_RUNNING, ICMP_ECHO, TCP_LISTEN); exit(); }`,
			want: "2 0 10 1 2 8 1 0 8 10\n\n\n"},
		{name: "transitive_includes_of_the_table",
			flags: []string{"-nostdinc"},
			prog: `#include <net/sock.h>
BEGIN { printf("%d %d %d %d\n", SOCK_STREAM, SOCK_NONBLOCK, IPPROTO_TCP, EAGAIN); exit(); }`,
			want: "1 2048 6 11\n\n\n"},
		{name: "unsigned_and_large_values",
			flags: []string{"-nostdinc"},
			prog: `#include <linux/sched.h>
#include <linux/fcntl.h>
BEGIN { printf("%u %d %d %d\n", PF_SUSPEND_TASK, PF_KTHREAD, TASK_REPORT, O_CREAT | O_EXCL); exit(); }`,
			want: "2147483648 2097152 127 192\n\n\n"},
		{name: "machine_headers_are_read",
			prog: `#include <linux/icmpv6.h>
#include <linux/stat.h>
BEGIN { printf("%d %d %d\n", ICMPV6_ECHO_REQUEST, S_IFREG, S_IFMT); exit(); }`,
			want: "128 32768 61440\n\n\n"},
		{name: "header_on_disk_wins_over_table_and_btf",
			flags: []string{"-I", dir},
			prog: `#include <linux/socket.h>
BEGIN { printf("%d %d %d %d %d %u\n", AF_INET, AF_INET6, PICKED, MY_FLAGS, BPF_MAP_TYPE_HASH, CAST); exit(); }`,
			want: "77 10 48 3 99 4294967295\n\n\n"},
		{name: "script_define_wins_over_header",
			flags: []string{"-I", dir},
			prog: `#include <linux/socket.h>
#define AF_INET 5
BEGIN { printf("%d\n", AF_INET); exit(); }`,
			want: "5\n\n\n"},
		{name: "btf_enum_where_no_macro_defines_it",
			prog: `#include <linux/errno.h>
BEGIN { printf("%d %d\n", BPF_MAP_TYPE_HASH, EINVAL); exit(); }`,
			want: "1 22\n\n\n"},
		{name: "include_flag",
			flags: []string{"--include", "linux/socket.h"},
			prog:  `BEGIN { printf("%d\n", AF_UNIX); exit(); }`,
			want:  "1\n\n\n"},
		{name: "missing_header_is_not_an_error",
			prog: `#include <no/such/header.h>
#include <linux/errno.h>
BEGIN { printf("%d\n", ENOSPC); exit(); }`,
			want: "28\n\n\n"},
		{name: "unknown_constant_names_the_headers_searched",
			flags: []string{"-nostdinc"},
			prog: `#include <linux/socket.h>
#include <no/such.h>
BEGIN { printf("%d\n", AF_INETT); }`,
			code:  1,
			errRe: `(?s)stdin:3:24: error: unknown identifier AF_INETT: not defined by <linux/socket.h> \(not on this machine\), <no/such.h> \(not on this machine\), and sonde's built-in table has no AF_INETT for them\n.*\^~~~~~~~`},
		{name: "function_like_macros_expand_in_constants",
			flags: []string{"-I", dir},
			prog: `#include <linux/socket.h>
BEGIN { printf("%d\n", USES_FN); exit(); }`,
			want: "42\n\n\n"},
		{name: "a_macro_that_is_no_integer_constant",
			flags: []string{"-I", dir},
			prog: `#include <linux/socket.h>
BEGIN { printf("%d %d\n", A_STRING, A_POINTER); }`,
			code:  1,
			errRe: `stdin:2:27: error: unknown identifier A_STRING: not defined by <linux/socket.h> \(` + dir + `/linux/socket.h\)`},
		{name: "hint_names_the_header_to_include",
			prog:  `BEGIN { printf("%d\n", EPERM); }`,
			code:  1,
			errRe: `(?s)stdin:1:24: error: unknown identifier EPERM\n.*hint: EPERM is defined in <asm-generic/errno-base.h>; add #include <asm-generic/errno-base.h>`},
		{name: "in_a_tracepoint_predicate",
			flags: []string{"-nostdinc"},
			work:  "socket:3:2,socket:2:10",
			prog: `#include <linux/socket.h>
tracepoint:syscalls:sys_enter_socket /pid == cpid/ { @[args.family == AF_INET ? "inet" : args.family == AF_INET6 ? "inet6" : "other"] = count(); }`,
			want: "\n\n@[inet6]: 2\n@[inet]: 3\n"},
	})
}

func writeHeader(t *testing.T, dir, name, text string) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
