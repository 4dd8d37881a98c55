package usym

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Test targets, compiled once per test binary from testdata/*.c.
type fixtures struct {
	dir      string
	PIE      string // prog as a position-independent executable
	NoPIE    string // prog linked at a fixed address
	Lib      string // libusymtest.so
	WithLib  string // prog (PIE) linked against Lib
	USDT     string // usdt.c + usdt_sema.c
	Stripped string // a stripped copy of PIE
}

var (
	fixOnce sync.Once
	fix     fixtures
	fixErr  error
	fixSkip string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if fix.dir != "" {
		os.RemoveAll(fix.dir)
	}
	os.Exit(code)
}

// targets builds the C fixtures, or skips the test when there is no C
// compiler.
func targets(t testing.TB) fixtures {
	t.Helper()
	fixOnce.Do(buildFixtures)
	if fixSkip != "" {
		t.Skip(fixSkip)
	}
	if fixErr != nil {
		t.Fatal(fixErr)
	}
	return fix
}

func buildFixtures() {
	if _, err := exec.LookPath("cc"); err != nil {
		fixSkip = "no C compiler (cc) to build test targets"
		return
	}
	dir, err := os.MkdirTemp("", "usym-test-")
	if err != nil {
		fixErr = err
		return
	}
	src := func(name string) string { p, _ := filepath.Abs(filepath.Join("testdata", name)); return p }
	fix = fixtures{
		dir:      dir,
		PIE:      filepath.Join(dir, "prog-pie"),
		NoPIE:    filepath.Join(dir, "prog-nopie"),
		Lib:      filepath.Join(dir, "libusymtest.so"),
		WithLib:  filepath.Join(dir, "prog-lib"),
		USDT:     filepath.Join(dir, "usdt"),
		Stripped: filepath.Join(dir, "prog-stripped"),
	}
	steps := [][]string{
		{"cc", "-O0", "-fPIE", "-pie", "-o", fix.PIE, src("prog.c")},
		{"cc", "-O0", "-fno-pie", "-no-pie", "-o", fix.NoPIE, src("prog.c")},
		{"cc", "-O0", "-shared", "-fPIC", "-o", fix.Lib, src("lib.c")},
		{"cc", "-O0", "-fPIE", "-pie", "-DWITH_LIB", "-o", fix.WithLib, src("prog.c"), "-L" + dir, "-lusymtest", "-Wl,-rpath," + dir},
		{"strip", "-o", fix.Stripped, fix.PIE},
	}
	if hasSDT() {
		steps = append(steps, []string{"cc", "-O1", "-o", fix.USDT, src("usdt.c"), src("usdt_sema.c")})
	} else {
		fix.USDT = ""
	}
	for _, s := range steps {
		if out, err := exec.Command(s[0], s[1:]...).CombinedOutput(); err != nil {
			fixErr = fmt.Errorf("%s: %v\n%s", strings.Join(s, " "), err, out)
			return
		}
	}
}

// hasSDT reports whether sys/sdt.h (systemtap-sdt-dev) is installed.
func hasSDT() bool {
	cmd := exec.Command("cc", "-E", "-x", "c", "-")
	cmd.Stdin = strings.NewReader("#include <sys/sdt.h>\n")
	return cmd.Run() == nil
}

func usdtTarget(t *testing.T) string {
	fx := targets(t)
	if fx.USDT == "" {
		t.Skip("sys/sdt.h missing: install systemtap-sdt-dev")
	}
	return fx.USDT
}

// startChild runs a fixture program that prints function addresses and
// loops, and returns its pid and the addresses it printed.
func startChild(t testing.TB, path string) (int, []uint64) {
	t.Helper()
	cmd := exec.Command(path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("reading %s's output: %v", path, err)
	}
	var addrs []uint64
	for _, f := range strings.Fields(line) {
		a, err := strconv.ParseUint(strings.TrimPrefix(f, "0x"), 16, 64)
		if err != nil {
			t.Fatalf("bad address %q from %s", f, path)
		}
		addrs = append(addrs, a)
	}
	return cmd.Process.Pid, addrs
}

// readelfSections maps section names to (address, file offset) as
// readelf prints them, so tests check against an independent tool.
func readelfSections(t *testing.T, path string) map[string][2]uint64 {
	t.Helper()
	if _, err := exec.LookPath("readelf"); err != nil {
		t.Skip("readelf not installed")
	}
	out, err := exec.Command("readelf", "-SW", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	secs := map[string][2]uint64{}
	for _, line := range strings.Split(string(out), "\n") {
		// "  [16] .text  PROGBITS  0000000000001040 001040 000191 ..."
		_, rest, ok := strings.Cut(line, "]")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) < 4 {
			continue
		}
		addr, err1 := strconv.ParseUint(f[2], 16, 64)
		off, err2 := strconv.ParseUint(f[3], 16, 64)
		if err1 == nil && err2 == nil {
			secs[f[0]] = [2]uint64{addr, off}
		}
	}
	return secs
}

// readelfSymbol returns a symbol's value and size as readelf -s prints.
func readelfSymbol(t *testing.T, path, name string) (uint64, uint64) {
	t.Helper()
	out, err := exec.Command("readelf", "-sW", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		// "    34: 0000000000001139    23 FUNC    GLOBAL DEFAULT   14 usym_alpha"
		f := strings.Fields(line)
		if len(f) == 8 && f[7] == name {
			v, _ := strconv.ParseUint(f[1], 16, 64)
			s, _ := strconv.ParseUint(f[2], 0, 64)
			return v, s
		}
	}
	t.Fatalf("readelf: no symbol %s in %s", name, path)
	return 0, 0
}

func hexAddr(v uint64) string { return "0x" + strconv.FormatUint(v, 16) }
func itoa(v int) string       { return strconv.Itoa(v) }
