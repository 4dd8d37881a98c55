package main

// End-to-end tests of user space typed from DWARF: uprobe args by name,
// typed retval, casts to the program's own types and -lv, on a C target
// the tests build with -g (testdata/user/dwtarget.c).

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// buildDwarfTarget compiles dwtarget with debug info, and a stripped copy.
func buildDwarfTarget(t *testing.T) (exe, stripped string) {
	t.Helper()
	needRoot(t)
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("no C compiler (cc) to build the DWARF target")
	}
	dir := t.TempDir()
	exe, stripped = filepath.Join(dir, "dwtarget"), filepath.Join(dir, "dwtarget-stripped")
	runCmd(t, cc, "-g", "-O0", "-o", exe, "testdata/user/dwtarget.c")
	runCmd(t, cc, "-s", "-O0", "-o", stripped, "testdata/user/dwtarget.c")
	return exe, stripped
}

func TestE2EDwarf(t *testing.T) {
	exe, stripped := buildDwarfTarget(t)
	run3 := exe + " 3"
	q := regexp.QuoteMeta
	runE2E(t, []e2eCase{
		{name: "args-by-name", cmd: run3,
			prog: fmt.Sprintf(`uprobe:%s:handle { printf("%%d %%c %%d\n", args.n, args.c, args.req->id); }`, exe),
			want: "10 b 1\n20 c 2\n30 d 3\n\n\n"},
		{name: "string-through-user-pointer", cmd: run3,
			prog: fmt.Sprintf(`uprobe:%s:handle { printf("%%s %%s %%s\n", str(args.req->path), args.req->tag, str(args.req->next->path)); }`, exe),
			want: "/index.html odd /tail\n/about even /tail\n/b odd /tail\n\n\n"},
		{name: "bitfields-enums-nested", cmd: run3,
			prog: fmt.Sprintf(`uprobe:%s:handle { printf("%%d %%d %%d ", args.req->flags, args.req->mode, args.req->at.y); print(args.req->color); }`, exe),
			want: "1 17 10 GREEN\n2 18 20 BLUE\n3 19 30 GREEN\n\n\n"},
		{name: "dot-on-pointer", cmd: exe + " 1",
			prog: fmt.Sprintf(`uprobe:%s:handle { print(args.req.at); }`, exe),
			want: "{ .x = 1, .y = 10 }\n\n\n"},
		{name: "print-struct", cmd: exe + " 1",
			prog: fmt.Sprintf(`uprobe:%s:paint { print(*args.p); }`, exe),
			want: "{ .x = 1, .y = 10 }\n\n\n"},
		{name: "typed-retval", cmd: run3,
			prog: fmt.Sprintf(`uretprobe:%s:next_of { printf("%%s %%d\n", str(retval->path), retval->id); }`, exe),
			want: "/tail 99\n/tail 99\n/tail 99\n\n\n"},
		{name: "enum-retval", cmd: run3,
			prog: fmt.Sprintf(`uretprobe:%s:paint { @[retval] = count(); }`, exe),
			want: "\n\n@[RED]: 1\n@[GREEN]: 1\n@[BLUE]: 1\n"},
		{name: "cast-to-program-struct", cmd: run3,
			prog: fmt.Sprintf(`uprobe:%s:handle { $r = (struct request *)arg0; printf("%%s %%d\n", str($r->path), ((point_t *)(arg0 + offsetof(struct request, at)))->y); }`, exe),
			want: "/index.html 10\n/about 20\n/b 30\n\n\n"},
		{name: "program-enum-constant", cmd: run3,
			prog: fmt.Sprintf(`uprobe:%s:paint /args.c == BLUE/ { @ = count(); }`, exe),
			want: "\n\n@: 1\n"},
		// A struct the script defines overrides the program's.
		{name: "script-struct-overrides", cmd: exe + " 1",
			prog: fmt.Sprintf(`struct request { long a; int id2; } uprobe:%s:handle { printf("%%d\n", ((struct request *)arg0)->id2); }`, exe),
			want: "1\n\n\n"},
		// Its pointers read the process's memory in a uprobe.
		{name: "script-struct-user-pointers", cmd: exe + " 1",
			prog: fmt.Sprintf(`struct request { char *path; int id; } uprobe:%s:handle { $r = (struct request *)arg0; printf("%%s %%d\n", str($r->path), $r->id); }`, exe),
			want: "/index.html 1\n\n\n"},
		{name: "sizeof-program-struct", cmd: exe + " 1",
			prog: fmt.Sprintf(`uprobe:%s:handle { printf("%%d %%d\n", sizeof(struct request), sizeof(point_t)); }`, exe),
			want: "48 8\n\n\n"},
		{name: "unknown-field-hint", code: 1,
			prog:  fmt.Sprintf(`uprobe:%s:handle { @ = args.req->pth; }`, exe),
			errRe: `error: struct request has no field "pth"\n(.*\n){2}  = hint: did you mean "path"\?\n$`},
		{name: "unknown-arg-hint", code: 1,
			prog:  fmt.Sprintf(`uprobe:%s:handle { @ = args.rq; }`, exe),
			errRe: `error: handle has no argument rq\n(.*\n){2}  = hint: did you mean args.req\?\n$`},
		{name: "unknown-type-hint", code: 1,
			prog:  fmt.Sprintf(`uprobe:%s:handle { @ = ((struct requst *)arg0)->id; }`, exe),
			errRe: `error: type "struct requst" not found in ` + q(exe) + `\n(.*\n){2}  = hint: did you mean "struct request"\?\n$`},
		{name: "args-in-uretprobe", code: 1,
			prog:  fmt.Sprintf(`uretprobe:%s:handle { @ = args.n; }`, exe),
			errRe: `error: args is not available in uretprobe probes`},
		{name: "no-debug-info", code: 1,
			prog:  fmt.Sprintf(`uprobe:%s:handle { @ = args.n; }`, stripped),
			errRe: `error: .*\n.*\n.*\n`},
	})
}

// -lv lists a function's arguments as bpftrace does.
func TestE2EDwarfList(t *testing.T) {
	exe, _ := buildDwarfTarget(t)
	out, stderr, code := sonde(t, "-lv", "uprobe:"+exe+":handle")
	want := fmt.Sprintf("uprobe:%s:handle\n    struct request* req\n    int n\n    char c\n", exe)
	if code != 0 || out != want {
		t.Errorf("-lv: exit %d\n%s\n%s", code, diffText(want, out), stderr)
	}
}

// Separate debug files: found by .gnu_debuglink (in the binary's .debug
// directory) and in --debuginfo directories.
func TestE2EDwarfSeparateDebug(t *testing.T) {
	exe, _ := buildDwarfTarget(t)
	objcopy, err := exec.LookPath("objcopy")
	if err != nil {
		t.Skip("no objcopy to split the debug info")
	}
	dir := filepath.Dir(exe)
	linked, bare := filepath.Join(dir, "linked"), filepath.Join(dir, "bare")
	runCmd(t, "mkdir", "-p", filepath.Join(dir, ".debug"), filepath.Join(dir, "ext"))
	runCmd(t, objcopy, "--only-keep-debug", exe, filepath.Join(dir, ".debug", "linked.debug"))
	runCmd(t, objcopy, "--strip-debug", "--add-gnu-debuglink="+filepath.Join(dir, ".debug", "linked.debug"), exe, linked)
	runCmd(t, objcopy, "--only-keep-debug", exe, filepath.Join(dir, "ext", "bare.debug"))
	runCmd(t, objcopy, "--strip-debug", exe, bare)
	prog := `uprobe:%s:handle { printf("%%s\n", str(args.req->path)); exit(); }`
	runE2E(t, []e2eCase{
		{name: "gnu-debuglink", cmd: linked + " 1", prog: fmt.Sprintf(prog, linked), want: "/index.html\n\n\n"},
		{name: "debuginfo-dir", cmd: bare + " 1", flags: []string{"--debuginfo", filepath.Join(dir, "ext")},
			prog: fmt.Sprintf(prog, bare), want: "/index.html\n\n\n"},
		{name: "no-debug-file", cmd: bare + " 1", code: 1, prog: fmt.Sprintf(prog, bare),
			errRe: `args need the debug info of .*bare \(build it with -g\)`},
	})
	out, stderr, code := sonde(t, "-lv", "uprobe:"+bare+":next_of", "--debuginfo="+filepath.Join(dir, "ext"))
	if want := fmt.Sprintf("uprobe:%s:next_of\n    struct request* r\n", bare); code != 0 || out != want {
		t.Errorf("-lv --debuginfo: exit %d\n%s\n%s", code, diffText(want, out), stderr)
	}
}

// uprobe:BIN@FILE:LINE attaches to the first instruction of a source line,
// found in the DWARF line table.
func TestE2EDwarfSourceLine(t *testing.T) {
	exe, _ := buildDwarfTarget(t)
	src, err := os.ReadFile("testdata/user/dwtarget.c")
	if err != nil {
		t.Fatal(err)
	}
	line, decl := 0, 0
	for i, l := range strings.Split(string(src), "\n") {
		if strings.Contains(l, "return req->id + n + c;") {
			line = i + 1
		}
		if strings.Contains(l, "int handle(") {
			decl = i + 2 // the line of its opening brace
		}
	}
	runE2E(t, []e2eCase{
		// The line that opens a function's body starts at its entry.
		{name: "function-line-is-entry", cmd: exe + " 1",
			prog: fmt.Sprintf(`uprobe:%s@dwtarget.c:%d { printf("%%d\n", reg("pc") == uaddr("handle")); }`, exe, decl),
			want: "1\n\n\n"},
		{name: "line", cmd: exe + " 3",
			prog: fmt.Sprintf(`uprobe:%s@dwtarget.c:%d { @[probe, func] = count(); }`, exe, line),
			want: fmt.Sprintf("\n\n@[uprobe:%s@dwtarget.c:%d, handle]: 3\n", exe, line)},
		{name: "no-code", code: 1, prog: fmt.Sprintf(`uprobe:%s@dwtarget.c:1 { }`, exe),
			errRe: `error: dwtarget.c:1: no code at this line in `},
		{name: "no-such-file", code: 1, prog: fmt.Sprintf(`uprobe:%s@other.c:3 { }`, exe),
			errRe: `error: .*dwtarget: no source file "other.c" in its line table`},
	})
}

// Probes and listings name a binary's path as written, relative paths
// included; a wildcard in the path lists every ELF file it matches.
func TestE2EUserPathAsWritten(t *testing.T) {
	exe, stripped := buildDwarfTarget(t)
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(wd, exe)
	if err != nil {
		t.Fatal(err)
	}
	runE2E(t, []e2eCase{
		{name: "probe-name", cmd: exe + " 2", prog: fmt.Sprintf(`uprobe:%s:handle { @[probe] = count(); }`, rel),
			want: fmt.Sprintf("\n\n@[uprobe:%s:handle]: 2\n", rel)},
		// The stripped match has no symbols: only dwtarget is probed.
		{name: "wildcard-path", cmd: exe + " 2", prog: fmt.Sprintf(`uprobe:%s*:handle { @[probe] = count(); }`, exe),
			want: fmt.Sprintf("\n\n@[uprobe:%s:handle]: 2\n", exe)},
	})
	for _, c := range []struct{ pattern, want string }{
		{"uprobe:" + rel + ":next_*", fmt.Sprintf("uprobe:%s:next_of\n", rel)},
		{"uprobe:" + filepath.Join(filepath.Dir(exe), "dw*") + ":next_*", fmt.Sprintf("uprobe:%s:next_of\n", exe)},
		{"uprobe:" + stripped[:len(stripped)-3] + "*:main", ""},
	} {
		out, stderr, code := sonde(t, "-l", c.pattern)
		if code != 0 || out != c.want {
			t.Errorf("-l %s: exit %d\n%s\n%s", c.pattern, code, diffText(c.want, out), stderr)
		}
	}
}

// usdt as bpftrace reads it: an empty provider is any provider, with -p
// an empty binary is every file the process maps, and the probe is named
// with the path as written.
func TestE2EUSDTForms(t *testing.T) {
	u := buildUserTargets(t)
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(wd, u.Exe)
	if err != nil {
		t.Fatal(err)
	}
	runE2E(t, []e2eCase{
		{name: "empty-provider-relative-path", cmd: u.Exe + " 2",
			prog: fmt.Sprintf(`usdt:%s::gl* { @[probe] = count(); }`, rel),
			want: fmt.Sprintf("\n\n@[usdt:%s:sonde:global]: 2\n", rel)},
	})
	cmd, start := startWaiting(t, u.Exe, 2)
	stdout, stderr, code := sondeAttached(t, start, "-p", fmt.Sprint(cmd.Process.Pid),
		"-e", `usdt::sonde:guarded { @ = count(); if (arg0 == 2) { exit(); } }`)
	if code != 0 || stdout != "\n\n@: 2\n" {
		t.Errorf("usdt::sonde:guarded with -p: exit %d\n%s\n%s", code, diffText("\n\n@: 2\n", stdout), stderr)
	}
}

// -l with -p lists the probes of every file the process maps.
func TestE2EUserListPid(t *testing.T) {
	u := buildUserTargets(t)
	cmd, _ := startWaiting(t, u.Exe, 1)
	pid := fmt.Sprint(cmd.Process.Pid)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-l", "uprobe:*:lib_*", "-p", pid}, fmt.Sprintf("uprobe:%s:lib_mul\n", u.Lib)},
		{[]string{"-l", "usdt:*:sonde:gl*", "-p", pid}, fmt.Sprintf("usdt:%s:sonde:global\n", u.Exe)},
	} {
		out, stderr, code := sonde(t, c.args...)
		if code != 0 || out != c.want {
			t.Errorf("%q: exit %d\n%s\n%s", c.args, code, diffText(c.want, out), stderr)
		}
	}
	out, _, code := sonde(t, "-l", "-p", pid)
	for _, want := range []string{"uprobe:" + u.Exe + ":level1\n", "usdt:" + u.Exe + ":sonde:plain\n", "uprobe:" + u.Lib + ":lib_mul\n"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("-l -p: exit %d, no %q in the listing", code, want)
		}
	}
}
