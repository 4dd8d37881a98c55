package main

import "testing"

// Regressions found by TestProgFuzz: scripts the compiler accepted and the
// kernel's verifier rejected (or the compiler panicked on).
func TestE2ECodegenRegressions(t *testing.T) {
	runE2E(t, []e2eCase{
		// The hist bucket after a 1-byte key was a misaligned 8-byte store.
		{name: "hist_bool_key", prog: `BEGIN { @h[true] = hist(1); @l[(true, 5)] = lhist(3, 0, 10, 1); }`,
			want: "\n\n@h[true]:\n[1]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n\n@l[true, 5]:\n[3]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n\n"},
		// len() and for-over-map in dropped code left a callback without
		// a caller: "number of funcs in func_info doesn't match".
		{name: "callback_in_dead_code", prog: `BEGIN { @x[1] = 1; if (false) { @n = len(@x); for ($kv : @x) { @y = 1; } } return; @m = len(@x); }`,
			want: "\n\n@x[1]: 1\n", errRe: `^stdin:1:84-96: WARNING: Unreachable statement`},
		// Nested ternaries and conditions locked every register.
		{name: "deep_ternary", prog: `BEGIN { $p = 5; $v = ((comm == "x") ? ((196 > $p) && true) : true) || false; $x = ($p > 1) ? (($p > 2) ? (($p < 3) ? 1 : (0 ?: 42)) : 3) : 4; $w = ($p > 0 ? ($p > 1 ? ($p > 2 && ($p > 3 ? $p < 9 : false)) : false) : false) || false; printf("%d %d %d\n", $v, $x, $w); }`,
			want: "1 42 1\n\n\n"},
		// A full frame put the loop's end bound in the scratch map; it was
		// read from the stack at the scratch offset ("invalid read from
		// stack R10 off=0"). The script as the fuzzer reduced it.
		{name: "for_range_full_frame", flags: []string{"--dry-run"}, re: `^$`, prog: `macro add1(x) { x + 1 }
BEGIN {
	@m2[(uint8)(uid)] = (uint32)((0xd325eb43 | -((593 ^ 0))));
	$v2 = 136;
	$v3 = uid;
	$v4 = (-1, has_key(@m0, "A"));
	$v5 = (has_key(@m1, ("7dz6EhcksxaOxbd-60VmN", comm)) ? "6Mt1DCbOyMQGPEsS.-g0fMZOIlWSgW6Av5tsQOTmlgLzbB3" : comm);
	$v6 = "AIw_pxOrvRtdFPfLNEuvkNt RrAwa";
	for ($i7 : 0..2) {
	}
	$v8 = ((rand - strstr((true ? comm : comm), " ")), (uint64)((has_key(@m1, ("I2-TSU7uWBU-2A EN.paxiTcot1IZj1eBSxE_Bz871O", "ZLGOff.EGbee.n9B_.qQ1Ftm.aS_2hEv4d2Wrz")) ? ~(1) : (480 << 4))));
	for ($i9 : 0..4) {
	$v10 = gid;
	$v11 = ("N9PI0G0", bswap((uint16)(strstr("", "3"))));
	$v12 = has_key(@m2, (($v10 >> 35) + ~($i9)));
	$v13 = ((int64)len(@m2) * 0);
	$v14 = (int64)(cgroup);
	for ($i15 : 2..4) {
	}
	}
	for ($i16 : 1..2) {
	$v17 = (0 >> 48);
	$v18 = (int64)len(@m5);
	if ((false ? has_key(@m3, $i16) : (("dhyMJvqC4" != "xOy MzVGvn") && has_key(@m1, ("vM4hJmRl8SvIX1n", "Y"))))) {
	for ($i19 : 2..4) {
	}
	$v20 = "b-V l";
	}
	}
}
BEGIN {
	$v0 = "LO8kJHot_";
	@m1[comm, $v0] = (true && (add1((uint8)(256)) > (int64)len(@m0)));
	@m0["1./LwP.v"] += 3;
	@m5[(strncmp("XrmpRszu3uoI01c7bTTsriYIv5Jn6xusph", "Yn498EKsO", 1) - (0x3d0c972e / -1))] = ($v0 == "kywWCVR TY6tZvNgY../qnsG5Q5s6");
}
tracepoint:syscalls:sys_enter_getpid {
	@m3[(7 << 61)] = ((has_key(@m5, add1((int8)(-1))) ? "bFsCkNIj.x_QQN5dcmtlt" : "Umt1JJOFpZY "), false, (int64)((uint32)(pid)));
}`},
		// With the frame full, a for-range counter was in the scratch
		// map: unknown on every pass, "infinite loop detected".
		{name: "for_range_counter_on_stack", re: `^\n*$`, prog: `BEGIN {
	$v0 = (-1, (((217 | -1) >= -52) ? "2q1iZwwHo5IS3GBTGfhpn_UBzKA6-yhZgDB" : comm), "RB58I");
	$v1 = ("mfMZ8", "m8", nsecs);
	$v2 = (tid, comm, -43, uid);
	$v3 = ("dK-mQs2uINC.H", comm, 0xe298fe19, false);
	$v4 = "/ UyA4RqAbG7";
	$v6 = (864, cgroup, 194, 714);
	$v7 = (255 - strncmp("3f_", " 0", 8));
	$v8 = ((int32)(0), (comm == "k-Y"), (int64)((uint32)(0)));
	$v9 = "Vea4qQGwjuGX/2_sajiLFpB8XrJ.9HP Y6FY_1x";
	$v10 = comm;
	$v11 = (((int16)(0xeec69f58) + jiffies) & 0x35a87939);
	$v12 = "K";
	$v13 = ($v3.0, strcontains("TP/A_PXf1lpe2bhJ3wFoI_d5QvypjU", "d4"), comm, "-I");
	$v14 = strncmp(comm, "", 8);
	for ($i15 : 2..5) {
	}
}`},
	})
}
