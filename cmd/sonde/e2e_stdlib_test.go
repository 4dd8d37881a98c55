package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
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
	runE2E(t, []e2eCase{
		{name: "getopt_defaults",
			prog: `BEGIN { printf("%d %s %d %d\n", getopt("num", 5), getopt("who", "me"), getopt("v"), getopt("q", true)); }`,
			want: "5 me 0 1\n\n\n"},
		{name: "getopt_given",
			prog: `BEGIN { printf("%d %s %d %d\n", getopt("num", 5), getopt("who", "me"), getopt("v"), getopt("q", true)); }`,
			args: []string{"--", "--num=-10", "--who=you", "--v", "--q=false"},
			want: "-10 you 1 0\n\n\n"},
		{name: "getopt_unread_parameter_is_an_error",
			prog: `BEGIN { printf("%d\n", getopt("num", 5)); }`, args: []string{"--", "--nmu=3"},
			code: 1, errRe: `not read by the script \(getopt\): --nmu`},
		{name: "getopt_bad_integer",
			prog: `BEGIN { printf("%d\n", getopt("num", 5)); }`, args: []string{"--", "--num=abc"},
			code: 1, errRe: `1:24: error: program parameter --num needs an integer, not "abc"`},
		{name: "cgroupid_matches_cgroup",
			prog: `BEGIN { @same = cgroup == cgroupid("` + cg + `"); @other = cgroupid("` + other + `") == cgroup; }`,
			want: "\n\n@other: false\n@same: true\n"},
		{name: "cgroupid_missing_path",
			prog: `BEGIN { @ = cgroupid("/sys/fs/cgroup/no/such/group"); }`,
			code: 1, errRe: `1:22: error: cgroupid: no such file or directory`},
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
