package headers

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// TestScanGolden reads a small header tree (a -I directory wrapping a
// system one with #include_next) and lists every constant it defines.
func TestScanGolden(t *testing.T) {
	dirs := []string{"testdata/inc/first", "testdata/inc/sys"}
	defs, graph, files := Scan(Config{Dirs: dirs}, []string{"linux/socket.h", "missing.h"})
	var b bytes.Buffer
	for _, f := range files {
		fmt.Fprintf(&b, "read %s %s\n", f.Name, f.Path)
	}
	shown := map[string]bool{}
	for _, f := range files {
		if len(graph[f.Name]) > 0 && !shown[f.Name] {
			shown[f.Name] = true
			fmt.Fprintf(&b, "include %s -> %s\n", f.Name, strings.Join(graph[f.Name], " "))
		}
	}
	for _, d := range defs {
		fmt.Fprintf(&b, "%s = %d unsigned=%v (%s)\n", d.Name, d.Value, d.Unsigned, d.Header)
	}
	golden := "testdata/scan.golden"
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if b.String() != string(want) {
		t.Errorf("Scan differs from %s:\n%s", golden, b.String())
	}
}

// A header on the machine wins over the built-in table; the table answers
// for what the machine's header lacks; nothing is read before a lookup.
func TestSetPrecedence(t *testing.T) {
	reads := 0
	read := func(p string) ([]byte, error) { reads++; return os.ReadFile(p) }
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "linux"), 0o755)
	os.WriteFile(filepath.Join(dir, "linux/socket.h"), []byte("#define AF_INET 77\n"), 0o644)
	s := New([]string{"linux/socket.h", "nowhere.h"}, Config{Dirs: []string{dir}, ReadFile: read})
	if reads != 0 {
		t.Fatalf("New read %d files; headers must be read on first lookup", reads)
	}
	tests := []struct {
		name string
		want int64
		path string
		ok   bool
	}{
		{"AF_INET", 77, filepath.Join(dir, "linux/socket.h"), true},
		{"AF_INET6", 10, "", true},  // from the table
		{"SOL_SOCKET", 1, "", true}, // the table follows the kernel header's includes
		{"EPERM", 0, "", false},     // not reached from linux/socket.h
	}
	for _, tt := range tests {
		c, ok := s.Lookup(tt.name)
		if ok != tt.ok || c.Value != tt.want || c.Path != tt.path {
			t.Errorf("%s = %+v %v, want %d from %q", tt.name, c, ok, tt.want, tt.path)
		}
	}
	got := s.Explain("EPERM")
	want := "not defined by <linux/socket.h> (" + filepath.Join(dir, "linux/socket.h") + "), <nowhere.h> (not on this machine), and sonde's built-in table has no EPERM for them"
	if got != want {
		t.Errorf("Explain:\n%s\nwant\n%s", got, want)
	}
	if n := reads; n > 3 {
		t.Errorf("%d reads for one header and a missing one", n)
	}
	if hs := Defines("EPERM"); len(hs) == 0 || hs[0] != "asm-generic/errno-base.h" {
		t.Errorf("Defines(EPERM) = %v", hs)
	}
}

// The table covers the families scripts use; so that it stays so, a few
// of each.
func TestTableCoverage(t *testing.T) {
	for _, tt := range []struct {
		header string
		names  []string
	}{
		{"linux/socket.h", []string{"AF_INET", "AF_INET6", "AF_UNSPEC", "AF_UNIX", "PF_INET", "SOL_SOCKET", "SOL_TCP", "SO_REUSEADDR", "MSG_PEEK", "SOMAXCONN"}},
		{"linux/in.h", []string{"IPPROTO_TCP", "IPPROTO_UDP", "IPPROTO_ICMP", "INADDR_ANY"}},
		{"linux/net.h", []string{"SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "SOCK_CLOEXEC", "SOCK_NONBLOCK"}},
		{"linux/errno.h", []string{"EPERM", "ENOENT", "EAGAIN", "ECONNREFUSED", "ETIMEDOUT", "ERESTARTSYS"}},
		{"linux/fs.h", []string{"DT_REG", "DT_DIR", "DT_FIFO", "DT_LNK", "S_IFREG", "S_IFMT", "O_RDONLY"}},
		{"linux/stat.h", []string{"S_IFDIR", "S_IFSOCK", "S_IRUSR"}},
		{"linux/fcntl.h", []string{"O_CREAT", "O_TRUNC", "O_APPEND", "O_CLOEXEC", "O_DIRECTORY", "F_GETFL", "AT_FDCWD"}},
		{"linux/signal.h", []string{"SIGKILL", "SIGTERM", "SIGSEGV", "SIGCHLD"}},
		{"linux/icmp.h", []string{"ICMP_ECHO", "ICMP_ECHOREPLY", "ICMP_DEST_UNREACH"}},
		{"linux/icmpv6.h", []string{"ICMPV6_ECHO_REQUEST", "ICMPV6_ECHO_REPLY"}},
		{"net/tcp_states.h", []string{"TCP_ESTABLISHED", "TCP_LISTEN", "TCP_CLOSE", "TCP_NEW_SYN_RECV"}},
		{"linux/sched.h", []string{"CLONE_VM", "CLONE_THREAD", "TASK_RUNNING", "TASK_INTERRUPTIBLE", "TASK_UNINTERRUPTIBLE", "EXIT_ZOMBIE", "EXIT_DEAD", "PF_KTHREAD", "PF_EXITING"}},
		{"linux/mman.h", []string{"PROT_READ", "PROT_WRITE", "PROT_EXEC", "MAP_SHARED", "MAP_PRIVATE", "MAP_ANONYMOUS"}},
	} {
		s := New([]string{tt.header}, Config{Dirs: nil})
		for _, n := range tt.names {
			if _, ok := s.Lookup(n); !ok {
				t.Errorf("#include <%s>: the built-in table has no %s", tt.header, n)
			}
		}
	}
}

// TestTableUpToDate regenerates the table from the installed UAPI headers
// and compares it with the checked-in copy.
func TestTableUpToDate(t *testing.T) {
	version, err := exec.Command("dpkg-query", "-W", "-f=${Version}", "linux-libc-dev").Output()
	if err != nil || len(version) == 0 {
		t.Skip("linux-libc-dev is not installed (apt-get install linux-libc-dev)")
	}
	if string(version) != tableSource {
		t.Skipf("the table was generated from linux-libc-dev %s; %s is installed", tableSource, version)
	}
	out := filepath.Join(t.TempDir(), "table.go")
	cmd := exec.Command("go", "run", "./internal/gentable", "-o", out, "-kernel", "kernel")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gentable: %v\n%s", err, b)
	}
	got, _ := os.ReadFile(out)
	want, _ := os.ReadFile("table.go")
	if !bytes.Equal(got, want) {
		t.Errorf("table.go is stale: run go generate ./headers")
	}
}

// TestTableMatchesCC compares a sample of the table with what the C
// compiler says the UAPI and libc headers define.
func TestTableMatchesCC(t *testing.T) {
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("no C compiler (apt-get install gcc)")
	}
	if _, err := os.Stat("/usr/include/linux/errno.h"); err != nil {
		t.Skip("linux-libc-dev is not installed (apt-get install linux-libc-dev)")
	}
	// Two programs: the UAPI headers, and the libc ones that stand in for
	// the kernel-internal constants (AF_*, DT_*); the two do not mix.
	groups := []struct {
		includes, names []string
	}{
		{[]string{"linux/errno.h"}, []string{"EPERM", "ENOENT", "EAGAIN", "EWOULDBLOCK", "ECONNRESET", "EDEADLOCK"}},
		{[]string{"linux/fcntl.h"}, []string{"O_CREAT", "O_NONBLOCK", "O_CLOEXEC", "O_DIRECTORY", "O_TMPFILE", "AT_FDCWD"}},
		{[]string{"linux/stat.h"}, []string{"S_IFREG", "S_IFMT", "S_IFIFO"}},
		{[]string{"linux/signal.h"}, []string{"SIGKILL", "SIGRTMIN", "SIGCHLD"}},
		{[]string{"linux/icmp.h"}, []string{"ICMP_ECHO", "ICMP_TIME_EXCEEDED"}},
		{[]string{"linux/icmpv6.h"}, []string{"ICMPV6_ECHO_REQUEST"}},
		{[]string{"linux/sched.h"}, []string{"CLONE_VM", "CLONE_NEWPID"}},
		{[]string{"linux/mman.h"}, []string{"PROT_EXEC", "MAP_ANONYMOUS", "MAP_HUGETLB", "MAP_FIXED_NOREPLACE"}},
		{[]string{"linux/in.h"}, []string{"IPPROTO_TCP", "IPPROTO_MPTCP"}},
		{[]string{"linux/tcp.h"}, []string{"TCP_NODELAY", "TCP_CONGESTION"}},
		{[]string{"asm/socket.h"}, []string{"SOL_SOCKET", "SO_REUSEPORT"}},
		{[]string{"sys/socket.h", "dirent.h", "netinet/tcp.h"},
			[]string{"AF_INET", "AF_INET6", "AF_UNIX", "AF_NETLINK", "AF_XDP", "AF_MCTP", "PF_PACKET", "SOL_TCP",
				"MSG_DONTWAIT", "MSG_ZEROCOPY", "SOMAXCONN", "DT_REG", "DT_FIFO", "DT_DIR", "DT_SOCK"}},
	}
	ccValues := map[string]int64{}
	var names []string
	for _, g := range groups {
		var src strings.Builder
		for _, h := range g.includes {
			fmt.Fprintf(&src, "#include <%s>\n", h)
		}
		for _, n := range g.names {
			fmt.Fprintf(&src, "long long v_%s = (long long)(%s);\n", n, n)
		}
		names = append(names, g.names...)
		cmd := exec.Command(cc, "-x", "c", "-S", "-o", "-", "-")
		cmd.Stdin = strings.NewReader(src.String())
		asm, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("cc: %v\n%s", err, asm)
		}
		var cur string
		for _, line := range strings.Split(string(asm), "\n") {
			line = strings.TrimSpace(line)
			switch {
			case strings.HasPrefix(line, "v_") && strings.HasSuffix(line, ":"):
				cur = strings.TrimSuffix(line[2:], ":")
			case cur != "" && strings.HasPrefix(line, ".quad"):
				v, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimPrefix(line, ".quad")), 0, 64)
				ccValues[cur], cur = v, ""
			case cur != "" && strings.HasPrefix(line, ".zero"):
				ccValues[cur], cur = 0, ""
			}
		}
	}
	s := New([]string{"linux/errno.h", "linux/fcntl.h", "linux/fs.h", "linux/signal.h", "linux/icmp.h",
		"linux/icmpv6.h", "linux/sched.h", "linux/mman.h", "linux/in.h", "linux/tcp.h", "linux/socket.h"}, Config{})
	for _, n := range names {
		want, ok := ccValues[n]
		if !ok {
			t.Errorf("cc gave no value for %s", n)
			continue
		}
		c, ok := s.Lookup(n)
		if !ok {
			t.Errorf("the table has no %s", n)
			continue
		}
		if c.Value != want {
			t.Errorf("%s = %d in the table, %d for cc", n, c.Value, want)
		}
	}
}

// BenchmarkLookup is the cost a script pays for three includes: reading
// the machine's headers (when present) and one lookup in each.
func BenchmarkLookup(b *testing.B) {
	incs := []string{"linux/socket.h", "linux/sched.h", "linux/errno.h"}
	for _, bc := range []struct {
		name string
		dirs []string
	}{
		{"machine", []string{"/usr/include/x86_64-linux-gnu", "/usr/include"}},
		{"table", nil},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				s := New(incs, Config{Dirs: bc.dirs})
				for _, n := range []string{"AF_INET", "TASK_RUNNING", "EPERM"} {
					if _, ok := s.Lookup(n); !ok {
						b.Fatal(n)
					}
				}
			}
		})
	}
}
