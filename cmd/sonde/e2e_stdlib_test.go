package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Functions added to the catalogue: compile-time ones (getopt, cgroupid)
// and in-kernel string search.
func TestE2EStdlibFunctions(t *testing.T) {
	cg := ownCgroupDir(t)
	// A fresh child group: its id must differ from ours.
	other := filepath.Join(cg, fmt.Sprintf("sonde-test-%d", os.Getpid()))
	if os.Geteuid() == 0 {
		if err := os.Mkdir(other, 0o755); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Remove(other) })
	}
	target := filepath.Join(t.TempDir(), "trunc-target")
	if err := os.WriteFile(target, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	n := len(target)
	runE2E(t, []e2eCase{
		{name: "str_that_fits_exactly_has_no_trailer", work: "open:1:" + target,
			prog: fmt.Sprintf(`config = { max_strlen = %d } tracepoint:syscalls:sys_enter_openat /pid == cpid/ { printf("%%s|\n", str(args.filename)); }`, n+1),
			re:   `(?m)^` + regexp.QuoteMeta(target) + `\|$`},
		{name: "str_cut_at_capacity_gets_the_trailer", work: "open:1:" + target,
			prog: fmt.Sprintf(`config = { max_strlen = %d } tracepoint:syscalls:sys_enter_openat /pid == cpid/ { printf("%%s|\n", str(args.filename)); @[str(args.filename)] = count(); }`, n),
			re:   `(?m)^` + regexp.QuoteMeta(target[:n-1]) + `\.\.\|$(?s).*^@\[` + regexp.QuoteMeta(target[:n-1]) + `\.\.\]: 1$`},
		{name: "getopt_defaults",
			prog: `BEGIN { printf("%d %s %d %d\n", getopt("num", 5), getopt("who", "me"), getopt("v"), getopt("q", true)); }`,
			want: "5 me 0 1\n\n\n"},
		{name: "getopt_given",
			prog: `BEGIN { printf("%d %s %d %d\n", getopt("num", 5), getopt("who", "me"), getopt("v"), getopt("q", true)); }`,
			args: []string{"--", "--num=-10", "--who=you", "--v", "--q=false"},
			want: "-10 you 1 0\n\n\n"},
		{name: "getopt_unread_parameter_is_an_error",
			prog: `BEGIN { printf("%d\n", getopt("num", 5)); }`, args: []string{"--", "--nmu=3"},
			code: 1, errRe: `^ERROR: unexpected program command line options: --nmu\nHINT: expected program options: --num\n$`},
		{name: "getopt_bad_integer",
			prog: `BEGIN { printf("%d\n", getopt("num", 5)); }`, args: []string{"--", "--num=abc"},
			code: 1, errRe: `^ERROR: program command line option --num invalid integer \(value: abc\)\nHINT: expected program options: --num\n$`},
		{name: "getopt_bad_bool",
			prog: `BEGIN { printf("%d\n", getopt("v")); }`, args: []string{"--", "--v=maybe"},
			code: 1, errRe: `^ERROR: program command line option --v invalid boolean \(value: maybe\)\n`},
		{name: "getopt_descriptions_and_help",
			prog: `BEGIN { printf("%d %d %d\n", getopt("depth", 3, "how deep to look"), getopt("v"), getopt("top", 10, "rows to print")); }`, args: []string{"--", "--help"},
			code: 1, errRe: `^HINT: expected program options:\n  --depth: how deep to look\n  --top: rows to print\n  --v\n$`},
		{name: "getopt_description_with_values",
			prog: `BEGIN { printf("%d %lu %d\n", getopt("depth", 3, "how deep"), getopt("big", 1), getopt("v", false, "verbose")); }`,
			args: []string{"--", "--depth=7", "--big=0xffffffffffffffff", "--v=True"},
			want: "7 18446744073709551615 1\n\n\n"},
		{name: "cgroupid_matches_cgroup",
			prog: `BEGIN { @same = cgroup == cgroupid("` + cg + `"); @other = cgroupid("` + other + `") == cgroup; }`,
			want: "\n\n@other: false\n@same: true\n"},
		{name: "cgroupid_missing_path",
			prog: `BEGIN { @ = cgroupid("/sys/fs/cgroup/no/such/group"); }`,
			code: 1, errRe: `1:22: error: cgroupid: no such file or directory`},
		{name: "names_and_addresses",
			prog: `BEGIN { printf("%s|%s|%s|%s|%s|%s\n", strerror(2), syscall_name(59), ntop(0x0100007f), ntop(pton("fe80::1")), ntop(2, pton("10.1.2.3")), macaddr(pton("1:2:3:4:5:6:7:8"))); @e[strerror(13)] = count(); @s[syscall_name(0), 1] = 1; @n[ntop(pton("1.2.3.4"))] = 1; }`,
			want: "No such file or directory|execve|127.0.0.1|fe80::1|10.1.2.3|00:01:00:02:00:03\n\n\n@e[Permission denied]: 1\n@n[1.2.3.4]: 1\n@s[read, 1]: 1\n"},
		{name: "names_json_keys",
			flags: []string{"-f", "json"},
			prog:  `BEGIN { @e[strerror(13)] = count(); @s[syscall_name(0), 1] = 1; @p["(sd-pam)"] = 1; }`,
			want: `{"type": "attached_probes", "count": 1, "data": {"probes": 1}}` + "\n" +
				`{"type": "map", "data": {"@e": {"Permission denied": 1}}}` + "\n" + `{"type": "map", "data": {"@p": {"(sd-pam)": 1}}}` + "\n" + `{"type": "map", "data": {"@s": {"read,1": 1}}}` + "\n"},
		{name: "syscall_name_of_a_real_syscall", work: "getpid:3",
			prog: `tracepoint:raw_syscalls:sys_enter /pid == cpid && args.id == 39/ { @[syscall_name(args.id)] = count(); }`,
			want: "\n\n@[getpid]: 3\n"},
		{name: "strlen_strncmp_buf",
			prog: `BEGIN { $s = "hello"; printf("%d %d %d %d %d|%r|%rx|%rh\n", strlen($s), strlen(""), strncmp($s, "help", 3), strncmp($s, "help", 4), strncmp("ab", "ab", 10), buf(pton("1.2.3.4")), buf(pton("1.2.3.4")), buf(pton("65.66.0.255"))); }`,
			want: "5 0 0 1 0|\\x01\\x02\\x03\\x04|\\x01\\x02\\x03\\x04|41 42 00 ff\n\n\n"},
		{name: "buf_of_strings_as_bpftrace",
			prog: `BEGIN { printf("%r|%rx\n", buf("abc\n", 4), buf("ab", 2)); @x = buf("abc", 3); }`,
			want: "abc\\x0a|\\x61\\x62\n\n\n@x: abc\n"},
		{name: "buf_of_user_memory_with_runtime_length", cmd: "/bin/echo sonde-buf",
			prog: `tracepoint:syscalls:sys_enter_write /pid == cpid/ { printf("%r|%d\n", buf(args.buf, args.count), args.count); }`,
			re:   `(?m)^sonde-buf\\x0a\|10$`},
		{name: "reg_in_profile",
			prog: `profile:hz:199 { @[reg("ip") > 0, reg("sp") > 0] = count(); if (@[1, 1] >= 2) { exit(); } }`,
			// At least 2; more when other CPUs fire before exit() lands (12 was seen).
			re: `(?m)^@\[1, 1\]: ([2-9]|[1-9]\d+)$`},
		{name: "reg_needs_registers",
			prog: `BEGIN { @ = reg("ip"); }`, code: 1, errRe: `1:13: error: reg\(\) needs a probe whose context is the registers`},
		{name: "macros",
			prog: `macro add_one(x) { x + 1 } macro bump($v, n) { $v = $v + n; $tmp = 5; } macro store(@m, k, v) { @m[k] = v; } macro twice(x) { add_one(x) + add_one(x) } macro errname() { "E" }
BEGIN { $tmp = 1; $a = 10; bump($a, 5); store(@m, "k", add_one($a)); @t = twice(3); @s = 1 + add_one(2) * 3; printf("%d %d %s\n", $a, $tmp, errname); }`,
			want: "15 1 E\n\n\n@m[k]: 16\n@s: 10\n@t: 8\n"},
		{name: "macro_with_map_parameter_in_a_probe", work: "getpid:4",
			prog: `macro top(@m, n) { print(@m, n); clear(@m); } tracepoint:syscalls:sys_enter_getpid /pid == cpid/ { @c[comm] = count(); } END { top(@c, 1); }`,
			re:   `(?m)^@c\[[^\]]+\]: 4$`},
		{name: "offsetof_nested_members",
			prog: `BEGIN { @same = offsetof(struct task_struct, se.vruntime) == offsetof(struct task_struct, se) + offsetof(struct sched_entity, vruntime); @pos = offsetof(struct task_struct, pid) > 0; }`,
			want: "\n\n@pos: true\n@same: true\n"},
		{name: "offsetof_unknown_member",
			prog: `BEGIN { @ = offsetof(struct task_struct, pidd); }`, code: 1, errRe: `(?s)1:13: error: offsetof: struct task_struct has no field "pidd".*did you mean "pid"`},
		{name: "signal_name",
			prog: `BEGIN { printf("%s %s %s\n", signal_name(9), signal_name(15), signal_name(99)); @[signal_name(2)] = 1; }`,
			want: "SIGKILL SIGTERM 99\n\n\n@[SIGINT]: 1\n"},
		{name: "strstr_is_err",
			prog: `BEGIN { $s = "hello world"; printf("%d %d %d %d %d|%d %d %d\n", strstr($s, "lo w"), strstr($s, "low"), strstr($s, ""), strstr($s, "h"), strstr($s, "d"), is_err((uint64)-2), is_err(0xffffffff81000000), is_err((uint64)-4095)); }`,
			want: "3 -1 0 0 10|1 0 1\n\n\n"},
		{name: "assert_fails_with_code_1",
			prog: `BEGIN { assert(1 == 1, "fine"); printf("a\n"); assert(1 == 2, "one is not two: 100%"); printf("b\n"); }`,
			want: "a\n\n\n", code: 1, errRe: `(?m)^stdin:1:48-86: ERROR: one is not two: 100%$`},
		{name: "print_top_and_div_at_run_time",
			prog: `BEGIN { @m[1] = 5; @m[2] = 10; @m[3] = 1; $n = 2; print(@m, $n); print(@m, getopt("top", 1), 5); clear(@m); }`,
			args: []string{"--", "--top=3"},
			want: "@m[1]: 5\n@m[2]: 10\n@m[3]: 0\n@m[1]: 1\n@m[2]: 2\n\n\n"},
		{name: "packed_tuple_with_a_bool_and_a_string",
			prog: `BEGIN { @[1 == 1, "abc"] = count(); $t = (1 == 2, "yy"); print($t); }`,
			want: "(false, yy)\n\n\n@[true, abc]: 1\n"},
		{name: "func_in_uprobes_is_the_function_name", cmd: `/bin/bash -c "true; echo hi >/dev/null"`,
			prog: `uprobe:/bin/bash:execute_comm* /pid == cpid/ { @[func] = count(); }`,
			re:   `(?m)^@\[execute_command\]: [1-9][0-9]*$`},
		{name: "print_args_record_and_narrow_signed_fields", work: "open:1:" + target,
			prog: `tracepoint:syscalls:sys_enter_openat /pid == cpid/ { print(args); printf("%d %ld\n", args.dfd, args.dfd); @[args.flags & 0] = count(); }`,
			re:   `(?m)^\{ \.__syscall_nr = 257, \.dfd = -100, \.filename = 0x[0-9a-f]+, \.flags = [0-9]+, \.mode = [0-9]+ \}\n-100 -100$`},
		{name: "print_a_struct_through_a_tracepoint_pointer", cmd: "/bin/sleep 0.1",
			prog: `tracepoint:syscalls:sys_enter_clock_nanosleep /pid == cpid/ { print(*args.rqtp); }`,
			want: "{ .tv_sec = 0, .tv_nsec = 100000000 }\n\n\n"},
		{name: "len_of_stacks", work: "getpid:200000",
			prog: `tracepoint:syscalls:sys_enter_getpid /pid == cpid/ { @k = max(len(kstack)); @k2 = max(len(kstack(2))); @u = max(len(ustack(4))); }`,
			re:   `^\n\n@k: ([3-9]|[1-9][0-9]+)\n@k2: 2\n@u: [1-4]\n$`},
		{name: "search_in_a_long_str_with_a_long_needle", work: "open:1:" + target,
			prog: `tracepoint:syscalls:sys_enter_openat /pid == cpid && strcontains(str(args.filename), "/trunc-target")/ { printf("%d %d %d\n", strstr(str(args.filename), "/trunc-target"), strstr(str(args.filename), "trunc-targets"), strcontains(str(args.filename), "ylKrQbPEBj")); }`,
			want: fmt.Sprintf("%d -1 0\n\n\n", n-len("/trunc-target"))},
		{name: "strlen_of_long_and_cut_strings", work: "open:1:" + target,
			prog: `tracepoint:syscalls:sys_enter_openat /pid == cpid && strcontains(str(args.filename), "trunc-target")/ { printf("%d %d %d\n", strlen(str(args.filename)), strlen(str(args.filename, 4)), strlen(str(args.filename, 200))); }`,
			want: fmt.Sprintf("%d 4 %d\n\n\n", n, n)},
		{name: "strcontains",
			prog: `BEGIN { $s = "hello world"; @a = strcontains($s, "lo w"); @b = strcontains($s, "low"); @c = strcontains($s, ""); @d = strcontains($s, "hello world!"); @e = strcontains($s, "d"); @f = strcontains("", "x"); }`,
			want: "\n\n@a: true\n@b: false\n@c: true\n@d: false\n@e: true\n@f: false\n"},
	})
}

// ownCgroupDir is this process's cgroup v2 directory (hybrid or unified
// hierarchy), or skips when there is none.
func ownCgroupDir(t *testing.T) string {
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		t.Skip(err)
	}
	var rel string
	for _, line := range strings.Split(string(b), "\n") {
		if p, ok := strings.CutPrefix(line, "0::"); ok {
			rel = p
		}
	}
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		for i, x := range fields {
			if x == "-" && i+1 < len(fields) && fields[i+1] == "cgroup2" {
				return filepath.Join(fields[4], rel)
			}
		}
	}
	t.Skip("no cgroup2 mount")
	return ""
}
