package main

import "testing"

// Map iteration (`for ($kv : @m)`) and len(@m) run in the kernel with
// bpf_for_each_map_elem callbacks. Cases avoid depending on the hash order
// of the elements.
func TestE2EForMap(t *testing.T) {
	runE2E(t, []e2eCase{
		{name: "outer_variables_written_through",
			prog: `BEGIN { @m[1] = 10; @m[2] = 20; @m[3] = 30; $t = 0; $n = 0; for ($kv : @m) { $t += $kv.1; $n++; } printf("%d %d\n", $t, $n); clear(@m); }`,
			want: "60 3\n\n\n"},
		{name: "break_and_continue",
			prog: `BEGIN { @m[1] = 1; @m[2] = 2; @m[3] = 3; $s = 0; for ($kv : @m) { if ($kv.0 == 2) { continue; } $s += $kv.1; } $b = 0; for ($kv : @m) { $b++; break; } printf("%d %d\n", $s, $b); clear(@m); }`,
			want: "4 1\n\n\n"},
		{name: "return_ends_the_probe",
			prog: `BEGIN { @m[1] = 1; for ($kv : @m) { printf("in\n"); return; } printf("after\n"); } END { clear(@m); }`,
			want: "in\n\n\n"},
		{name: "empty_map",
			prog: `BEGIN { @m[1] = 1; delete(@m, 1); $n = 0; for ($kv : @m) { $n++; } printf("%d\n", $n); }`,
			want: "0\n\n\n"},
		{name: "tuple_key_and_string_value",
			prog: `BEGIN { @m["a", 1] = "x"; for ($kv : @m) { printf("%s %d %s\n", $kv.0.0, $kv.0.1, $kv.1); } clear(@m); }`,
			want: "a 1 x\n\n\n"},
		{name: "body_locals_and_maps",
			prog: `BEGIN { @m[1] = 5; @m[2] = 7; for ($kv : @m) { $d = $kv.1 * 2; @double[$kv.0] = $d; } }`,
			want: "\n\n@double[1]: 10\n@double[2]: 14\n@m[1]: 5\n@m[2]: 7\n"},
		{name: "nested",
			prog: `BEGIN { @a[1] = sum(5); @a[1] = sum(-2); @b[10] = 4; @b[20] = 6; $t = 0; for ($x : @a) { for ($y : @b) { $t += $x.1 * $y.1; } } printf("%d\n", $t); clear(@a); clear(@b); }`,
			want: "30\n\n\n"},
		{name: "aggregation_values_merged",
			prog: `BEGIN { @c["k"] = count(); @c["k"] = count(); @a[1] = avg(10); @a[1] = avg(21); @mn[1] = min(-3); @mn[1] = min(4); for ($kv : @c) { @vc = $kv.1; } for ($kv : @a) { @va = $kv.1; } for ($kv : @mn) { @vmn = $kv.1; } clear(@c); clear(@a); clear(@mn); }`,
			want: "\n\n@va: 15\n@vc: 2\n@vmn: -3\n"},
		{name: "scratch_buffer_variable",
			prog: `BEGIN { @m[1] = "abc"; $long = "0123456789012345678901234567890123456789012345678901234567890123456789"; for ($kv : @m) { printf("%s %s\n", $kv.1, $long); $long = "changed"; } printf("%s\n", $long); clear(@m); }`,
			want: "abc 0123456789012345678901234567890123456789012345678901234567890123456789\nchanged\n\n\n"},
		{name: "per_cpu_count_under_workload", work: "getpid:7",
			prog: `tracepoint:syscalls:sys_enter_getpid /pid == cpid/ { @c[tid] = count(); } END { for ($kv : @c) { printf("%d\n", $kv.1); } clear(@c); }`,
			want: "7\n\n\n"},
		{name: "probe_context_in_body", work: "read:3:5000",
			prog: `tracepoint:syscalls:sys_enter_read /pid == cpid && args.count == 5000/ { @n[1] = 1; for ($kv : @n) { @r = sum(args.count + $kv.1); @p = (pid == cpid); } }`,
			want: "\n\n@n[1]: 1\n@p: true\n@r: 15003\n"},
		{name: "len",
			prog: `BEGIN { @c[1] = count(); @c[2] = count(); @e[1] = 1; delete(@e, 1); @s = 1; printf("%d %d %d\n", len(@c), len(@e), len(@s)); clear(@c); clear(@s); }`,
			want: "2 0 1\n\n\n"},
		{name: "len_under_workload", work: "getpid:3",
			prog: `tracepoint:syscalls:sys_enter_getpid /pid == cpid/ { @c[nsecs] = count(); @l = len(@c); } END { clear(@c); }`,
			want: "\n\n@l: 3\n"},
	})
}
