package main

import (
	"testing"
)

// Aggregations over values known in advance print exactly what bpftrace
// prints (reference 6.2-6.4).
func TestE2EAggregations(t *testing.T) {
	runE2E(t, []e2eCase{
		{name: "sum", prog: `BEGIN { @s = sum(5); @s = sum(-8); @s = sum(10); }`,
			want: "\n\n@s: 7\n"},
		{name: "sum_zero_is_printed", prog: `BEGIN { @z = sum(0); }`,
			want: "\n\n@z: 0\n"},
		{name: "avg", prog: `BEGIN { @a = avg(3); @a = avg(10); @n = avg(-3); @n = avg(-10); }`,
			want: "\n\n@a: 6\n@n: -6\n"},
		{name: "min_max", prog: `BEGIN { @mn = min(-4); @mn = min(2); @mx = max(-4); @mx = max(-9); @one = min(5); @neg = max(-5); }`,
			want: "\n\n@mn: -4\n@mx: -4\n@neg: -5\n@one: 5\n"},
		{name: "stats", prog: `BEGIN { @s = stats(2); @s = stats(10); }`,
			want: "\n\n@s: { .count = 2, .average = 6, .total = 12 }\n"},
		{name: "stats_keyed_sorted_by_average", prog: `BEGIN { @s["x"] = stats(10); @s["y"] = stats(2); @s["y"] = stats(4); }`,
			want: "\n\n@s[y]: { .count = 2, .average = 3, .total = 6 }\n@s[x]: { .count = 1, .average = 10, .total = 10 }\n"},
		{name: "avg_keyed_sorted_by_average", prog: `BEGIN { @a[1] = avg(10); @a[2] = avg(2); @a[3] = avg(5); }`,
			want: "\n\n@a[2]: 2\n@a[3]: 5\n@a[1]: 10\n"},
		{name: "count_keyed_sorted_by_value", prog: `BEGIN { @c[7] = count(); @c[7] = count(); @c[7] = count(); @c[8] = count(); @c[9] = count(); @c[9] = count(); }`,
			want: "\n\n@c[8]: 1\n@c[9]: 2\n@c[7]: 3\n"},
		{name: "int_values_sorted_by_value", prog: `BEGIN { @v["a"] = 30; @v["b"] = -5; @v["c"] = 10; }`,
			want: "\n\n@v[b]: -5\n@v[c]: 10\n@v[a]: 30\n"},
		{name: "string_values_sorted_by_key", prog: `BEGIN { @v["b"] = "x"; @v["a"] = "z"; @v["c"] = "y"; }`,
			want: "\n\n@v[a]: z\n@v[b]: x\n@v[c]: y\n"},
		{name: "hist", prog: `BEGIN { @h = hist(0); @h = hist(1); @h = hist(1); @h = hist(3); @h = hist(5); @h = hist(1024); }`,
			want: "\n\n@h:\n" + hblock(
				"[0]", 1, "[1]", 2, "[2, 4)", 1, "[4, 8)", 1, "[8, 16)", 0, "[16, 32)", 0, "[32, 64)", 0,
				"[64, 128)", 0, "[128, 256)", 0, "[256, 512)", 0, "[512, 1K)", 0, "[1K, 2K)", 1) + "\n"},
		{name: "hist_negative_and_large", prog: `BEGIN { @h = hist(-5); @h = hist(-1); @h = hist(2); @h = hist(1048576); @h = hist(1048577); @h = hist(1048575); }`,
			want: "\n\n@h:\n" + hblock(
				"(..., 0)", 2, "[0]", 0, "[1]", 0, "[2, 4)", 1, "[4, 8)", 0, "[8, 16)", 0, "[16, 32)", 0, "[32, 64)", 0,
				"[64, 128)", 0, "[128, 256)", 0, "[256, 512)", 0, "[512, 1K)", 0, "[1K, 2K)", 0, "[2K, 4K)", 0,
				"[4K, 8K)", 0, "[8K, 16K)", 0, "[16K, 32K)", 0, "[32K, 64K)", 0, "[64K, 128K)", 0,
				"[128K, 256K)", 0, "[256K, 512K)", 0, "[512K, 1M)", 1, "[1M, 2M)", 2) + "\n"},
		{name: "hist_single_bucket", prog: `BEGIN { @h = hist(5); }`,
			want: "\n\n@h:\n" + hblock("[4, 8)", 1) + "\n"},
		{name: "hist_bits_2", prog: `BEGIN { @h = hist(0, 2); @h = hist(3, 2); @h = hist(7, 2); @h = hist(8, 2); @h = hist(9, 2); @h = hist(13, 2); @h = hist(20, 2); @h = hist(64, 2); }`,
			want: "\n\n@h:\n" + hblock(
				"[0]", 1, "[1]", 0, "[2]", 0, "[3]", 1, "[4]", 0, "[5]", 0, "[6]", 0, "[7]", 1,
				"[8, 10)", 2, "[10, 12)", 0, "[12, 14)", 1, "[14, 16)", 0, "[16, 20)", 0, "[20, 24)", 1,
				"[24, 28)", 0, "[28, 32)", 0, "[32, 40)", 0, "[40, 48)", 0, "[48, 56)", 0, "[56, 64)", 0,
				"[64, 80)", 1) + "\n"},
		{name: "hist_bits_1_kilo", prog: `BEGIN { @h = hist(1024, 1); @h = hist(1600, 1); @h = hist(2047, 1); }`,
			want: "\n\n@h:\n" + hblock("[1024, 1536)", 1, "[1536, 2K)", 2) + "\n"},
		{name: "lhist_step_1", prog: `BEGIN { @l = lhist(-1, 0, 10, 1); @l = lhist(3, 0, 10, 1); @l = lhist(3, 0, 10, 1); @l = lhist(7, 0, 10, 1); @l = lhist(12, 0, 10, 1); }`,
			want: "\n\n@l:\n" + hblock(
				"(..., 0)", 1, "[0]", 0, "[1]", 0, "[2]", 0, "[3]", 2, "[4]", 0, "[5]", 0, "[6]", 0,
				"[7]", 1, "[8]", 0, "[9]", 0, "[10, ...)", 1) + "\n"},
		{name: "lhist_step_2_inner", prog: `BEGIN { @l = lhist(5, 0, 10, 2); @l = lhist(9, 0, 10, 2); }`,
			want: "\n\n@l:\n" + hblock("[4, 6)", 1, "[6, 8)", 0, "[8, 10)", 1) + "\n"},
		{name: "lhist_nonzero_min", prog: `BEGIN { @l = lhist(15, 10, 50, 10); @l = lhist(49, 10, 50, 10); @l = lhist(50, 10, 50, 10); @l = lhist(3, 10, 50, 10); }`,
			want: "\n\n@l:\n" + hblock("(..., 10)", 1, "[10, 20)", 1, "[20, 30)", 0, "[30, 40)", 0, "[40, 50)", 1, "[50, ...)", 1) + "\n"},
		{name: "lhist_kilo_step", prog: `BEGIN { @l = lhist(1500, 0, 4096, 1024); @l = lhist(3000, 0, 4096, 1024); @l = lhist(5000, 0, 4096, 1024); }`,
			want: "\n\n@l:\n" + hblock("[1K, 2K)", 1, "[2K, 3K)", 1, "[3K, 4K)", 0, "[4K, ...)", 1) + "\n"},
		{name: "hist_keyed_sorted_by_total", prog: `BEGIN { @h[1] = hist(1); @h[1] = hist(1); @h[1] = hist(1); @h[2] = hist(1); @h[3] = hist(1); @h[3] = hist(2); }`,
			want: "\n\n" +
				"@h[2]:\n" + hblock("[1]", 1) + "\n" +
				"@h[3]:\n" + hblock("[1]", 1, "[2, 4)", 1) + "\n" +
				"@h[1]:\n" + hblock("[1]", 3) + "\n"},
		{name: "hist_string_key", prog: `BEGIN { @h["z"] = hist(5); @h["ab"] = hist(5); @h["ab"] = hist(6); }`,
			want: "\n\n" +
				"@h[z]:\n" + hblock("[4, 8)", 1) + "\n" +
				"@h[ab]:\n" + hblock("[4, 8)", 2) + "\n"},
		{name: "lhist_tuple_key", prog: `BEGIN { @l[1, "a"] = lhist(5, 0, 10, 5); }`,
			want: "\n\n@l[1, a]:\n" + hblock("[5, 10)", 1) + "\n"},
		{name: "print_top", prog: `BEGIN { @b[1] = 10; @b[2] = 25; @b[3] = 7; @b[4] = 15; print(@b, 2); }`,
			want: "@b[4]: 15\n@b[2]: 25\n\n\n@b[3]: 7\n@b[1]: 10\n@b[4]: 15\n@b[2]: 25\n"},
		{name: "print_top_div", prog: `BEGIN { @b[1] = 10; @b[2] = 25; @b[3] = 7; @b[4] = 15; print(@b, 2, 5); clear(@b); }`,
			want: "@b[4]: 3\n@b[2]: 5\n\n\n"},
		{name: "print_count_top", prog: `BEGIN { @c["a"] = count(); @c["b"] = count(); @c["b"] = count(); print(@c, 1); clear(@c); }`,
			want: "@c[b]: 2\n\n\n"},
		{name: "print_hist_div", prog: `BEGIN { @h = hist(2); @h = hist(2); @h = hist(2); @h = hist(2); @h = hist(9); @h = hist(9); print(@h, 0, 2); clear(@h); }`,
			want: "@h:\n" + hblock("[2, 4)", 2, "[4, 8)", 0, "[8, 16)", 1) + "\n\n\n"},
		{name: "print_scalar_and_value", prog: `BEGIN { @a = 5; print(@a); print(7); print("s"); print((1, "abc")); clear(@a); }`,
			want: "@a: 5\n7\ns\n(1, abc)\n\n\n"},
		{name: "clear", prog: `BEGIN { @a[1] = 1; @a[2] = 2; clear(@a); @b = 1; }`,
			want: "\n\n@b: 1\n"},
		{name: "zero_keyed", prog: `BEGIN { @a[1] = count(); @a[1] = count(); zero(@a); }`,
			want: "\n\n@a[1]: 0\n"},
		{name: "zero_scalar", prog: `BEGIN { @c = count(); @s = sum(9); zero(@c); zero(@s); }`,
			want: "\n\n@c: 0\n@s: 0\n"},
		{name: "keyless_agg_never_hit", prog: `BEGIN { if (0) { @c = count(); @s = sum(1); } @x = 1; }`,
			want: "\n\n@x: 1\n"},
		{name: "keyless_agg_clear_and_delete", prog: `BEGIN { @c = count(); @s = sum(3); @t = sum(4); clear(@c); delete(@s); }`,
			want: "\n\n@t: 4\n"},
		{name: "keyless_agg_delete_result", prog: `BEGIN { @c = count(); if (delete(@c)) { @y = 1; } if (!delete(@c)) { @n = 1; } @m = min(4); @a = avg(2); delete(@m); delete(@a); }`,
			want: "\n\n@n: 1\n@y: 1\n"},
		{name: "keyless_agg_read_after_delete", prog: `BEGIN { @c = count(); @c = count(); delete(@c); @v = (int64)@c; @c = count(); }`,
			want: "\n\n@c: 1\n@v: 0\n"},
		{name: "keyless_agg_json", flags: []string{"-f", "json"}, prog: `BEGIN { @z = sum(0); @c = count(); zero(@c); }`,
			re: `(?m)^\{"type": "map", "data": \{"@c": 0\}\}\n\{"type": "map", "data": \{"@z": 0\}\}\n\z`},
		{name: "zero_hist_prints_nothing", prog: `BEGIN { @h = hist(5); zero(@h); @x = 1; }`,
			want: "\n\n@x: 1\n"},
		{name: "delete_both_forms", prog: `BEGIN { @d[1] = 1; @d[2] = 2; @d[3] = 3; delete(@d, 1); delete(@d[2]); }`,
			want: "\n\n@d[3]: 3\n"},
		{name: "delete_result", prog: `BEGIN { @d[1] = 1; if (delete(@d, 1)) { @first = 1; } if (!delete(@d, 1)) { @second = 1; } }`,
			want: "\n\n@first: 1\n@second: 1\n"},
		{name: "delete_scalar", prog: `BEGIN { @s = 1; @t = 2; delete(@s); }`,
			want: "\n\n@t: 2\n"},
		{name: "delete_tuple_key", prog: `BEGIN { @d[1, "a"] = 1; @d[2, "b"] = 2; delete(@d, (1, "a")); }`,
			want: "\n\n@d[2, b]: 2\n"},
		{name: "has_key", prog: `BEGIN { @k[1] = 1; if (has_key(@k, 1)) { @y = 1; } if (!has_key(@k, 2)) { @n = 1; } }`,
			want: "\n\n@k[1]: 1\n@n: 1\n@y: 1\n"},
		{name: "len", prog: `BEGIN { @k[1] = 1; @k[2] = 1; @k[5] = 1; @l = len(@k); clear(@k); }`,
			want: "\n\n@l: 3\n"},
		{name: "map_read_back", prog: `BEGIN { @a = 5; @b = @a * 2; @c[1] = 3; @d = @c[1] + @c[2]; }`,
			want: "\n\n@a: 5\n@b: 10\n@c[1]: 3\n@d: 3\n"},
		{name: "count_read_in_expression", prog: `BEGIN { @n = count(); @n = count(); if (@n == 2) { @two = 1; } @v = (int64)@n + 1; }`,
			want: "\n\n@n: 2\n@two: 1\n@v: 3\n"},
	})
}

// Histograms over a workload's read sizes: the sizes are known exactly.
func TestE2EHistWorkload(t *testing.T) {
	// Reads of 5000, 5300 and 6500 bytes from /dev/zero; the smaller reads
	// of the shell's resume handshake, the loader and the Go runtime (all
	// under 4 KiB) are filtered out.
	work := "read:5:5000,read:3:5300,read:2:6500"
	runE2E(t, []e2eCase{
		{name: "lhist_step_200", work: work,
			prog: `tracepoint:syscalls:sys_exit_read /pid == cpid && args.ret >= 4096/ { @bytes = lhist(args.ret, 0, 10000, 200); }`,
			want: "\n\n@bytes:\n" + hblock("[5000, 5200)", 5, "[5200, 5400)", 3, "[5400, 5600)", 0, "[5600, 5800)", 0,
				"[5800, 6000)", 0, "[6000, 6200)", 0, "[6200, 6400)", 0, "[6400, 6600)", 2) + "\n"},
		{name: "hist", work: "read:5:5000,read:3:9000,read:2:20000",
			prog: `tracepoint:syscalls:sys_exit_read /pid == cpid && args.ret >= 4096/ { @bytes = hist(args.ret); }`,
			want: "\n\n@bytes:\n" + hblock("[4K, 8K)", 5, "[8K, 16K)", 3, "[16K, 32K)", 2) + "\n"},
		{name: "stats_and_sum", work: work,
			prog: `tracepoint:syscalls:sys_exit_read /pid == cpid && args.ret >= 4096/ { @s = stats(args.ret); @t = sum(args.ret); @mn = min(args.ret); @mx = max(args.ret); @a = avg(args.ret); }`,
			want: "\n\n@a: 5390\n@mn: 5000\n@mx: 6500\n@s: { .count = 10, .average = 5390, .total = 53900 }\n@t: 53900\n"},
		{name: "keyed_by_enter_count", work: work,
			prog: `tracepoint:syscalls:sys_enter_read /pid == cpid && args.count > 4096 && args.count < 10000/ { @[args.count] = count(); }`,
			want: "\n\n@[6500]: 2\n@[5300]: 3\n@[5000]: 5\n"},
	})
}
