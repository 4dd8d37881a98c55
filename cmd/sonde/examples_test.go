package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Every script in examples/ runs in the kernel against a workload the test
// controls, and its output has the shape the script's header promises.
func TestExamples(t *testing.T) {
	target := filepath.Join(t.TempDir(), "example-open-target")
	if err := os.WriteFile(target, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		file string
		work string   // SONDE_WORKLOAD spec run with -c; "" for none
		res  []string // regexps stdout must match
	}{
		{"hello.sd", "", []string{`^hello world\n`}},
		{"execcount.sd", "getpid:1", []string{`(?m)^@: [1-9][0-9]*$`}},
		{"opencount.sd", "open:5:" + target, []string{`(?m)^@\[[^\]]+\]: ([5-9]|[1-9][0-9]+)$`}},
		{"readsize.sd", "read:4:100", []string{`(?m)^@hist\[[^\]]+\]:$`, `(?m)^\[64, 128\)\s+[1-9][0-9]* \|@+`, `(?m)^@sum\[[0-9]+\]: [1-9][0-9]*$`}},
		{"opensnoop.sd", "open:3:" + target, []string{`^PID +COMM +FD ERR PATH\n`, `(?m)^[0-9]+ +\S+ +[0-9]+ +0 ` + regexp.QuoteMeta(target) + `$`}},
		{"syscount.sd", "sleep:2300", []string{`(?m)^[0-9]{2}:[0-9]{2}:[0-9]{2}$`, `(?m)^@\[[^\]]+\]: [1-9][0-9]*$`}},
		{"sched.sd", "sleep:300", []string{`(?m)^@\[tracepoint:sched:sched_switch\]: [1-9][0-9]*$`}},
		{"runqlat.sd", "sleep:300", []string{`(?m)^@usecs:\n\[[0-9]+`}},
		{"topsyscalls.sd", "sleep:2300,getpid:50", []string{`(?m)^[0-9]{2}:[0-9]{2}:[0-9]{2}$`, `(?m)^@syscall\[[a-z_0-9]+\]: [1-9][0-9]*$`, `(?m)^@process\[[^\]]+\]: [1-9]`}},
		{"tasks.sd", "", []string{`(?m)^@threads\[[^\]]+\]: [1-9][0-9]*$`}},
		{"syscallshare.sd", "sleep:300", []string{`^[1-9][0-9]* processes, [1-9][0-9]* system calls\n`}},
	}
	files, _ := filepath.Glob("../../examples/*.sd")
	if len(files) != len(cases) {
		t.Errorf("%d scripts in examples/, %d tested: add the new one here", len(files), len(cases))
	}
	for _, c := range cases {
		t.Run(strings.TrimSuffix(c.file, ".sd"), func(t *testing.T) {
			needRoot(t)
			var args []string
			if c.work != "" {
				args = append(args, "-c", e2eWorkCmd(t, c.work))
			}
			args = append(args, filepath.Join("../../examples", c.file))
			stdout, stderr, code := sondeTimeout(t, 30*time.Second, args...)
			if code != 0 || strings.Contains(stderr, "error") {
				t.Fatalf("exit %d\nstderr: %s", code, stderr)
			}
			for _, re := range c.res {
				if !regexp.MustCompile(re).MatchString(stdout) {
					t.Errorf("stdout does not match %s:\n%s", re, stdout)
				}
			}
		})
	}
}

// A script with a shebang line runs as a command.
func TestExampleShebang(t *testing.T) {
	needRoot(t)
	bin := sondeBinary(t)
	script, err := filepath.Abs("../../examples/hello.sd")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(script)
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", script, err)
	}
	if !strings.HasPrefix(string(out), "hello world\n") {
		t.Errorf("output %q", out)
	}
}
