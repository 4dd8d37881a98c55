package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// printf with every specifier and flag of reference 4a; expected strings are
// what C's printf prints for the same 64-bit value (bpftrace formats every
// integer argument as a 64-bit integer).
func TestE2EPrintf(t *testing.T) {
	specs := []struct{ format, args, want string }{
		{`%d`, `42`, "42"},
		{`%d`, `-42`, "-42"},
		{`%i`, `-7`, "-7"},
		{`%u`, `42`, "42"},
		{`%u`, `-1`, "4294967295"}, // bpftrace casts to unsigned int without a length modifier
		{`%d`, `9223372036854775807`, "-1"},
		{`%ld`, `9223372036854775807`, "9223372036854775807"},
		{`%o`, `8`, "10"},
		{`%#o`, `8`, "010"},
		{`%x`, `255`, "ff"},
		{`%X`, `255`, "FF"},
		{`%#x`, `255`, "0xff"},
		{`%#X`, `255`, "0XFF"},
		{`%x`, `-1`, "ffffffff"},
		{`%lx`, `-1`, "ffffffffffffffff"},
		{`%c`, `65`, "A"},
		{`%c%c`, `104, 105`, "hi"},
		{`%s`, `"abc"`, "abc"},
		{`%p`, `0x1234`, "0x1234"},
		{`100%%`, ``, "100%"},
		{`%5d|`, `42`, "   42|"},
		{`%-5d|`, `42`, "42   |"},
		{`%05d`, `42`, "00042"},
		{`%05d`, `-42`, "-0042"},
		{`%+d`, `42`, "+42"},
		{`%+d`, `-42`, "-42"},
		{`% d`, `42`, " 42"},
		{`%.3d`, `7`, "007"},
		{`%8.3d|`, `7`, "     007|"},
		{`%-8.3d|`, `-7`, "-007    |"},
		{`%#10x|`, `255`, "      0xff|"},
		{`%-#10o|`, `8`, "010       |"},
		{`%08x`, `48879`, "0000beef"},
		{`%5s|`, `"ab"`, "   ab|"},
		{`%-10s|`, `"ab"`, "ab        |"},
		{`%.2s|`, `"abcdef"`, "ab|"},
		{`%-5.2s|`, `"abcdef"`, "ab   |"},
		{`%ld %lu %lld %llu %lx`, `-1, 1, -2, 2, 255`, "-1 1 -2 2 ff"},
		{`%zd %zu %jd %td %hd %hu`, `3, 4, 5, 6, 7, 8`, "3 4 5 6 7 8"},
		{`[%s] [%d] [%x]`, `"a b", -3, 16`, "[a b] [-3] [10]"},
		{`no args`, ``, "no args"},
		{`tab\there`, ``, "tab\there"},
	}
	var cases []e2eCase
	for _, s := range specs {
		call := fmt.Sprintf(`printf("%s\n"`, s.format)
		if s.args != "" {
			call += ", " + s.args
		}
		call += ");"
		cases = append(cases, e2eCase{
			name: strings.NewReplacer(" ", "_", "%", "pct", "|", "", "\\", "").Replace(s.format + "_" + s.args),
			prog: "BEGIN { " + call + " }",
			want: s.want + "\n\n\n",
		})
	}
	cases = append(cases,
		e2eCase{name: "several_calls_in_order",
			prog: `BEGIN { printf("a"); printf("b\n"); printf("%d%d", 1, 2); printf("\n"); }`,
			want: "ab\n12\n\n\n"},
		e2eCase{name: "scratch_and_map_args",
			prog: `BEGIN { $x = 3; @y = 4; printf("%d %d %d\n", $x, @y, $x * @y); }`,
			want: "3 4 12\n\n\n@y: 4\n"},
		e2eCase{name: "comm_arg",
			prog: `BEGIN { printf("[%s] [%16s]\n", comm, comm); }`,
			want: fmt.Sprintf("[%s] [%16s]\n\n\n", exeComm(t), exeComm(t))},
		e2eCase{name: "time_default",
			prog: `BEGIN { time(); }`,
			re:   `^\d\d:\d\d:\d\d\n\n\n$`},
		e2eCase{name: "time_format",
			prog: `BEGIN { time("%H-%M|"); printf("\n"); }`,
			re:   `^\d\d-\d\d\|\n\n\n$`},
		e2eCase{name: "strftime",
			prog: `BEGIN { printf("%s\n", strftime("%Y-%m-%d %H:%M:%S", nsecs)); }`,
			check: func(t *testing.T, out, _ string) {
				got, err := time.ParseInLocation("2006-01-02 15:04:05\n\n\n", out, time.Local)
				if err != nil {
					t.Fatalf("strftime output %q: %v", out, err)
				}
				if d := time.Since(got); d < -5*time.Second || d > time.Minute {
					t.Errorf("strftime of nsecs is %v away from now", d)
				}
			}},
		e2eCase{name: "strftime_micros",
			prog: `BEGIN { printf("%s\n", strftime("%H:%M:%S.%f", nsecs)); }`,
			re:   `^\d\d:\d\d:\d\d\.\d{6}\n\n\n$`},
	)
	runE2E(t, cases)
}

// join() prints an argv array: the args of an execve.
func TestE2EJoin(t *testing.T) {
	runE2E(t, []e2eCase{
		{name: "packed_string_literals_of_odd_sizes",
			prog: `BEGIN { printf("%-8s %-6s %-16s %-6s %-16s %s|\n", "TIME", "PPID", "PCOMM", "PID", "COMM", "SECONDS"); }`,
			want: "TIME     PPID   PCOMM            PID    COMM             SECONDS|\n\n\n"},
		{name: "join_argv", cmd: `sh -c '/bin/echo a b c >/dev/null'`,
			prog: `tracepoint:syscalls:sys_enter_execve /str(args.filename) == "/bin/echo"/ { join(args.argv); exit(); }`,
			want: "/bin/echo a b c\n\n\n"},
		// join() the only output of the script: it alone needs the ring.
		{name: "join_only_output", cmd: `sh -c '/bin/echo a b c >/dev/null'`,
			prog: `tracepoint:syscalls:sys_enter_execve /pid == cpid || str(args.filename) == "/bin/echo"/ { join(args.argv, "+"); }`,
			re:   `(?m)^/bin/echo\+a\+b\+c$`},
		{name: "join_argv_sep", cmd: `sh -c '/bin/echo a b c >/dev/null'`,
			prog: `tracepoint:syscalls:sys_enter_execve /str(args.filename) == "/bin/echo"/ { join(args.argv, ","); exit(); }`,
			want: "/bin/echo,a,b,c\n\n\n"},
		{name: "filename_and_comm", cmd: `sh -c '/bin/echo a b c >/dev/null'`,
			prog: `tracepoint:syscalls:sys_enter_execve /str(args.filename) == "/bin/echo"/ { printf("%s %s\n", comm, str(args.filename)); exit(); }`,
			re:   `^sh /bin/echo\n\n\n$`},
	})
}

var _ = regexp.MustCompile
