package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// Values and statements, computed in the kernel and printed as maps or with
// printf.
func TestE2EValues(t *testing.T) {
	runE2E(t, []e2eCase{
		{name: "arithmetic_precedence",
			prog: `BEGIN { printf("%d %d %d %d %d %d\n", 1 + 2 * 3, (1 + 2) * 3, 10 / 3, -7 / 2, -7 % 3, 2 * 3 % 4); }`,
			want: "7 9 3 -3 -1 2\n\n\n"},
		{name: "signed_division_at_run_time",
			prog: `BEGIN { $a = -7; $b = 2; $c = 3; $z = 0; printf("%d %d %d %d %d %d %d %d\n", $a / $b, $a % $c, 7 / -$b, 7 % -$c, -$a / -$b, $a / $z, $a % $z, $a * 3 / $c); $x = -9; $x /= 2; $y = -9; $y %= 4; printf("%d %d\n", $x, $y); }`,
			want: "-3 -1 -3 1 -3 0 -7 -7\n-4 -1\n\n\n"},
		{name: "bitwise_and_shifts",
			prog: `BEGIN { printf("%d %d %d %d %d %d\n", 0xf0 | 0x0f, 6 & 3, 6 ^ 3, 1 << 10, 1024 >> 3, ~0 & 0xff); }`,
			want: "255 2 5 1024 128 255\n\n\n"},
		{name: "logical_and_comparisons",
			prog: `BEGIN { printf("%d %d %d %d %d\n", 1 + 2 * 3 == 7 && 4 > 3, 0 || 0, !0, !5, 3 >= 3 && 2 <= 1); }`,
			want: "1 0 1 0 0\n\n\n"},
		{name: "casts_truncate",
			prog: `BEGIN { @x = (uint8)300; @y = (int8)200; @z = (uint16)70000; @w = (int32)4294967295; @v = (uint32)-1; }`,
			want: "\n\n@v: 4294967295\n@w: -1\n@x: 44\n@y: -56\n@z: 4464\n"},
		{name: "bswap_every_width",
			prog: `BEGIN { printf("%x %x %x %lx\n", bswap((uint8)0x12), bswap((uint16)0x1234), bswap((uint32)0x12345678), bswap((uint64)0x1122334455667788)); }`,
			want: "12 3412 78563412 8877665544332211\n\n\n"},
		{name: "signed_unsigned",
			prog: `BEGIN { @a = (uint64)-1; @b = -1 < 0; @c = (uint64)-1 > 0; @d = (int64)-5 / 2; @e = (uint8)255 + 1; }`,
			want: "\n\n@a: 18446744073709551615\n@b: true\n@c: true\n@d: -2\n@e: 256\n"},
		{name: "ternary_and_elvis",
			prog: `BEGIN { $x = 5; $z = 0; printf("%s %s %d %d\n", $x > 3 ? "big" : "small", $x < 3 ? "big" : "small", $x ?: 9, $z ?: 9); }`,
			want: "big small 5 9\n\n\n"},
		{name: "if_else_chain",
			prog: `BEGIN { $v = 2; if ($v == 1) { printf("one\n"); } else if ($v == 2) { printf("two\n"); } else { printf("other\n"); } if ($v > 5) { printf("big\n"); } else { printf("small\n"); } }`,
			want: "two\nsmall\n\n\n"},
		{name: "for_range",
			prog: `BEGIN { $s = 0; for ($i : 0..5) { $s += $i; } printf("%d\n", $s); for ($j : 2..4) { printf("j=%d\n", $j); } }`,
			want: "10\nj=2\nj=3\n\n\n"},
		{name: "for_over_map",
			prog: `BEGIN { @m[1] = 10; @m[2] = 20; for ($kv : @m) { @s = sum($kv.1); @k = sum($kv.0); } }`,
			want: "\n\n@k: 3\n@m[1]: 10\n@m[2]: 20\n@s: 30\n"},
		{name: "while_break_continue",
			prog: `BEGIN { $i = 0; $s = 0; while ($i < 10) { $i++; if ($i == 3) { continue; } if ($i == 7) { break; } $s += $i; } printf("%d %d\n", $s, $i); }`,
			want: "18 7\n\n\n"},
		{name: "unroll",
			prog: `BEGIN { $i = 0; unroll(4) { $i += 2; } printf("%d\n", $i); }`,
			want: "8\n\n\n"},
		{name: "increments_and_compound_assignment",
			prog: `BEGIN { $a = 1; $a++; ++$a; $b = $a--; $c = 3; $c *= 4; $c -= 2; $c <<= 1; $c /= 5; $c |= 8; @m[1]++; @m[1]++; @m[2] += 5; @m[2] -= 1; printf("%d %d %d\n", $a, $b, $c); }`,
			want: "2 3 12\n\n\n@m[1]: 2\n@m[2]: 4\n"},
		{name: "scratch_block_scope",
			prog: `BEGIN { $x = 1; if ($x == 1) { $y = 10; $x = $y + 1; } printf("%d\n", $x); }`,
			want: "11\n\n\n"},
		{name: "return_ends_probe",
			prog: `BEGIN { @a = 1; return; @b = 2; } END { @c = 3; }`,
			want: "\n\n@a: 1\n@c: 3\n", errRe: `^stdin:1:25-31: WARNING: Unreachable statement`},
		{name: "string_compare",
			prog: `BEGIN { $s = "abc"; if ($s == "abc") { printf("eq\n"); } if ("abd" != $s) { printf("ne\n"); } if ($s == "ab") { printf("prefix-eq\n"); } @cmp[$s == "abc", $s == "abcd"] = 1; }`,
			want: "eq\nne\n\n\n@cmp[true, false]: 1\n"},
		{name: "string_escapes",
			prog: `BEGIN { printf("a\tb\\c\"d\x41\101|\n"); @s = "q\"x"; }`,
			want: "a\tb\\c\"dAA|\n\n\n@s: q\"x\n"},
		{name: "tuples",
			prog: `BEGIN { @t[1, "abc"] = 7; @t[1, "abd"] = 6; @t[0, "zzz"] = 5; @u = (1, "abc", (2, -3)); print((1, "abc")); $t = (4, "x"); printf("%d %s\n", $t.0, $t.1); }`,
			want: "(1, abc)\n4 x\n\n\n@t[0, zzz]: 5\n@t[1, abd]: 6\n@t[1, abc]: 7\n@u: (1, abc, (2, -3))\n"},
		{name: "tuple_keys_sorted_by_key",
			prog: `BEGIN { @t[1, "abd"] = "p"; @t[1, "abc"] = "q"; @t[0, "zzz"] = "r"; @t[-1, "b"] = "s"; }`,
			want: "\n\n@t[-1, b]: s\n@t[0, zzz]: r\n@t[1, abc]: q\n@t[1, abd]: p\n"},
		{name: "string_keys_sorted",
			prog: `BEGIN { @s["b"] = "1"; @s["a"] = "2"; @s["ab"] = "3"; }`,
			want: "\n\n@s[a]: 2\n@s[ab]: 3\n@s[b]: 1\n"},
		{name: "bool_values",
			prog: `BEGIN { @t = true; @f = false; @n = !true; }`,
			want: "\n\n@f: false\n@n: false\n@t: true\n"},
		{name: "positional_params", args: []string{"hello", "42"},
			prog: `BEGIN { printf("%s %d %d\n", $1, $2 + 1, $#); }`,
			want: "hello 43 2\n\n\n"},
		{name: "positional_str_of_number", args: []string{"7", "hello"},
			prog: `BEGIN { printf("%s|%s|%d\n", str($1), str($2), $1 * 2); }`,
			want: "7|hello|14\n\n\n"},
		{name: "positional_missing_is_zero",
			prog: `BEGIN { printf("%d %d\n", $#, $3); }`,
			want: "0 0\n\n\n"},
		{name: "exit_code_interval", code: 3,
			prog: `interval:ms:10 { exit(3); }`, want: "\n\n"},
		{name: "exit_code_begin", code: 3,
			prog: `BEGIN { exit(3); }`, want: "\n\n"},
		{name: "exit_code_tracepoint", code: 5, work: "getpid:10,sleep:2000",
			prog: `tracepoint:syscalls:sys_enter_getpid /pid == cpid && comm != "sh"/ { @ = count(); exit(5); }`,
			re:   "^\n\n@: [0-9]+\n$"},
		{name: "exit_stops_later_statements",
			prog: `BEGIN { @a = 1; exit(); @b = 2; }`,
			want: "\n\n@a: 1\n", errRe: `^stdin:1:25-31: WARNING: Unreachable statement`},
	})
}

// Builtins whose values the test can know.
func TestE2EBuiltins(t *testing.T) {
	me := os.Getpid()
	comm := exeComm(t)
	tmp := t.TempDir()
	target := filepath.Join(tmp, "e2e-open-target")
	if err := os.WriteFile(target, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	var bt unix.Timespec
	var before int64
	cases := []e2eCase{
		{name: "pid_tid_in_begin_is_sonde",
			prog: `BEGIN { @p = pid; @c = comm; @same = pid == tid || pid != tid; }`,
			want: fmt.Sprintf("\n\n@c: %s\n@p: %d\n@same: true\n", comm, me)},
		{name: "uid_gid",
			prog: `BEGIN { @u = uid; @g = gid; }`,
			want: fmt.Sprintf("\n\n@g: %d\n@u: %d\n", os.Getgid(), os.Getuid())},
		{name: "pcomm_in_begin",
			prog: `BEGIN { @p = pcomm; }`,
			want: fmt.Sprintf("\n\n@p: %s\n", parentComm(t))},
		{name: "ppid_in_begin",
			prog: `BEGIN { @p = ppid; }`,
			want: fmt.Sprintf("\n\n@p: %d\n", os.Getppid())},
		{name: "ppid_of_child_is_sonde", work: "getpid:5",
			prog: `tracepoint:syscalls:sys_enter_getpid /pid == cpid && comm != "sh"/ { @pp = ppid; }`,
			want: fmt.Sprintf("\n\n@pp: %d\n", me)},
		{name: "str_filename", work: "open:3:" + target,
			prog: `tracepoint:syscalls:sys_enter_openat /pid == cpid/ { @[str(args.filename)] = count(); }`,
			re:   `(?m)^@\[` + regexp.QuoteMeta(target) + `\]: 3$`},
		{name: "str_filename_compare", work: "open:3:" + target,
			prog: `tracepoint:syscalls:sys_enter_openat /pid == cpid && str(args.filename) == "` + target + `"/ { @n = count(); }`,
			want: "\n\n@n: 3\n"},
		{name: "probe_wildcard", work: "getpid:7",
			prog: `tracepoint:syscalls:sys_enter_getp* /pid == cpid && comm != "sh"/ { @[probe] = count(); }`,
			want: "\n\n@[tracepoint:syscalls:sys_enter_getpid]: 7\n"},
		{name: "probe_names_expanded", work: "getpid:7",
			prog: `tp:syscalls:sys_enter_getpid, tp:syscalls:sys_exit_getpid /pid == cpid && comm != "sh"/ { @[probe] = count(); }`,
			re:   `^\n\n@\[tracepoint:syscalls:sys_e(nter|xit)_getpid\]: 7\n@\[tracepoint:syscalls:sys_e(nter|xit)_getpid\]: 7\n$`},
		{name: "elapsed",
			prog: `interval:ms:200 { @e = elapsed; exit(); }`,
			check: func(t *testing.T, out, _ string) {
				m := regexp.MustCompile(`^\n\n@e: (\d+)\n$`).FindStringSubmatch(out)
				if m == nil {
					t.Fatalf("output %q", out)
				}
				if e := atoiT(t, m[1]); e < 150e6 || e > 5e9 {
					t.Errorf("elapsed %d ns after a 200 ms interval", e)
				}
			}},
		{name: "nsecs_boot_clock_and_order",
			prog: `BEGIN { @a = nsecs; @b = nsecs; } END { @c = nsecs; }`,
			check: func(t *testing.T, out, _ string) {
				var after unix.Timespec
				unix.ClockGettime(unix.CLOCK_BOOTTIME, &after)
				m := regexp.MustCompile(`^\n\n@a: (\d+)\n@b: (\d+)\n@c: (\d+)\n$`).FindStringSubmatch(out)
				if m == nil {
					t.Fatalf("output %q", out)
				}
				a, b, c := atoiT(t, m[1]), atoiT(t, m[2]), atoiT(t, m[3])
				if !(before <= a && a <= b && b <= c && c <= after.Nano()) {
					t.Errorf("nsecs not ordered within the boot clock: %d <= %d <= %d <= %d <= %d", before, a, b, c, after.Nano())
				}
			}},
		{name: "nsecs_clock_forms",
			prog: `BEGIN { @m = nsecs(monotonic); @b = nsecs(boot); @t = nsecs(tai); @s = nsecs(sw_tai); }`,
			check: func(t *testing.T, out, _ string) {
				m := regexp.MustCompile(`^\n\n@b: (\d+)\n@m: (\d+)\n@s: (\d+)\n@t: (\d+)\n$`).FindStringSubmatch(out)
				if m == nil {
					t.Fatalf("output %q", out)
				}
				// Each kernel clock must lie between user-space readings of the
				// same clock taken before and after the run.
				now := func(clock int32) int64 {
					var ts unix.Timespec
					unix.ClockGettime(clock, &ts)
					return ts.Nano()
				}
				b, mono, sw, tai := atoiT(t, m[1]), atoiT(t, m[2]), atoiT(t, m[3]), atoiT(t, m[4])
				for _, c := range []struct {
					name  string
					clock int32
					v     int64
				}{{"boot", unix.CLOCK_BOOTTIME, b}, {"monotonic", unix.CLOCK_MONOTONIC, mono}, {"tai", unix.CLOCK_TAI, tai}, {"sw_tai", unix.CLOCK_TAI, sw}} {
					if hi := now(c.clock); c.v <= 0 || c.v > hi || hi-c.v > 10e9 {
						t.Errorf("nsecs(%s) = %d, clock now %d", c.name, c.v, hi)
					}
				}
			}},
		{name: "cpu_ncpus",
			prog: `BEGIN { @ok = cpu < ncpus; @n = ncpus; }`,
			check: func(t *testing.T, out, _ string) {
				m := regexp.MustCompile(`^\n\n@n: (\d+)\n@ok: true\n$`).FindStringSubmatch(out)
				if m == nil {
					t.Fatalf("output %q", out)
				}
				if n := atoiT(t, m[1]); n != int64(onlineCPUs(t)) {
					t.Errorf("ncpus %d, want %d online CPUs", n, onlineCPUs(t))
				}
			}},
		{name: "rand",
			prog: `BEGIN { @a = rand; @b = rand; @c = rand; printf("%u %u\n", rand, rand); }`,
			check: func(t *testing.T, out, _ string) {
				m := regexp.MustCompile(`^(-?\d+) (-?\d+)\n\n\n@a: (\d+)\n@b: (\d+)\n@c: (\d+)\n$`).FindStringSubmatch(out)
				if m == nil {
					t.Fatalf("output %q", out)
				}
				for _, s := range m[1:] {
					v, err := strconv.ParseInt(s, 10, 64)
					if err != nil || v < 0 || v > 0xffffffff {
						t.Errorf("rand %s is not a uint32 (rand is uint32: printf %%u prints it unsigned)", s)
					}
				}
				if m[3] == m[4] && m[4] == m[5] {
					t.Errorf("three rand values are equal: %s", m[3])
				}
			}},
		{name: "cgroup",
			prog: `BEGIN { @c = cgroup; }`,
			want: fmt.Sprintf("\n\n@c: %d\n", cgroupID(t))},
		{name: "curtask",
			prog: `BEGIN { @t = (uint64)curtask; @same = curtask == curtask; }`,
			check: func(t *testing.T, out, _ string) {
				m := regexp.MustCompile(`^\n\n@same: true\n@t: (\d+)\n$`).FindStringSubmatch(out)
				if m == nil {
					t.Fatalf("output %q", out)
				}
				if v, _ := strconv.ParseUint(m[1], 10, 64); v < 0xffff800000000000 {
					t.Errorf("curtask %#x is not a kernel address", v)
				}
			}},
		{name: "comm_of_child", work: "getpid:2",
			prog: `tracepoint:syscalls:sys_enter_getpid /pid == cpid && comm == "` + comm + `"/ { @[comm, pid == cpid] = count(); }`,
			want: fmt.Sprintf("\n\n@[%s, true]: 2\n", comm)},
	}
	unix.ClockGettime(unix.CLOCK_BOOTTIME, &bt)
	before = bt.Nano()
	runE2E(t, cases)

	if _, err := exec.LookPath("taskset"); err == nil && onlineCPUs(t) >= 2 {
		runE2E(t, []e2eCase{{name: "cpu_of_pinned_child",
			cmd:  "taskset -c 1 " + e2eWorkCmd(t, "getpid:50"),
			prog: `tracepoint:syscalls:sys_enter_getpid /pid == cpid && comm != "sh"/ { @[cpu] = count(); }`,
			want: "\n\n@[1]: 50\n"}})
	}
}

func onlineCPUs(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/sys/devices/system/cpu/online")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range strings.Split(strings.TrimSpace(string(b)), ",") {
		lo, hi, ok := strings.Cut(r, "-")
		a, _ := strconv.Atoi(lo)
		z := a
		if ok {
			z, _ = strconv.Atoi(hi)
		}
		n += z - a + 1
	}
	return n
}

// cgroupID is the cgroup v2 id of this process: the inode of its cgroup
// directory in the unified hierarchy (1 for the root).
func cgroupID(t *testing.T) uint64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	path := ""
	for _, l := range strings.Split(string(b), "\n") {
		if p, ok := strings.CutPrefix(l, "0::"); ok {
			path = p
		}
	}
	if path == "" {
		t.Skip("no cgroup v2 entry in /proc/self/cgroup")
	}
	mnt := ""
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		for i, fld := range fields {
			if fld == "-" && i+1 < len(fields) && fields[i+1] == "cgroup2" {
				mnt = fields[4]
			}
		}
	}
	if mnt == "" {
		if path == "/" {
			return 1
		}
		t.Skip("cgroup2 is not mounted")
	}
	var st syscall.Stat_t
	if err := syscall.Stat(filepath.Join(mnt, path), &st); err != nil {
		t.Skip(err)
	}
	return st.Ino
}

// parentComm is the name of this test process's parent.
func parentComm(t *testing.T) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", os.Getppid()))
	if err != nil {
		t.Skip(err)
	}
	return strings.TrimSpace(string(b))
}
