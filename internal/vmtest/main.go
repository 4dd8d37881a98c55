// Command vmtest runs a package's tests for real inside stock Debian kernels
// booted under QEMU, for the probe types the development kernel lacks
// (kprobe, kretprobe, fentry, fexit, kprobe_multi).
//
//	go run ./internal/vmtest [-kernels 6.1,6.12] [-run REGEX] [-pkg ./runtime/attach]
//
// For each kernel it fetches the Debian package (cached), builds a static
// `go test -c` binary of the package and a static PID 1 (./vminit), packs
// them into an initramfs, boots it, streams the serial console, and checks
// the `--- PASS/FAIL/SKIP` lines. Any FAIL, a missing exit marker, or a
// feature test that skips although the kernel's config has the feature
// makes it exit 1. A kernel that cannot be downloaded is skipped (exit 0).
// See README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// featureTest is a test of sonde/runtime/attach that needs kernel features:
// it must PASS when the kernel config has all of needs, and may SKIP only
// when it lacks one.
type featureTest struct {
	name  string
	needs []string
}

const attachPkg = "sonde/runtime/attach"

var attachFeatureTests = []featureTest{
	{"TestKprobe/kprobe", []string{"CONFIG_KPROBES", "CONFIG_KPROBE_EVENTS", "CONFIG_BPF_EVENTS"}},
	{"TestKprobe/kretprobe", []string{"CONFIG_KPROBES", "CONFIG_KPROBE_EVENTS", "CONFIG_BPF_EVENTS"}},
	{"TestFentry/fentry", []string{"CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS", "CONFIG_DEBUG_INFO_BTF"}},
	{"TestFentry/fexit", []string{"CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS", "CONFIG_DEBUG_INFO_BTF"}},
	{"TestKprobeMulti", []string{"CONFIG_KPROBES", "CONFIG_FPROBE"}},
	{"TestTracepoint", []string{"CONFIG_FTRACE_SYSCALLS", "CONFIG_BPF_EVENTS"}},
	{"TestRawTracepointPlain", []string{"CONFIG_BPF_EVENTS"}},
	{"TestRawTracepointBTF", []string{"CONFIG_BPF_EVENTS", "CONFIG_DEBUG_INFO_BTF"}},
}

// defaultRun selects attachFeatureTests (subtests run with their parent).
const defaultRun = "^(TestKprobe|TestKprobeMulti|TestFentry|TestTracepoint|TestRawTracepointPlain|TestRawTracepointBTF)$"

const sondePkg = "sonde/cmd/sonde"

var (
	kprobeNeeds = []string{"CONFIG_KPROBES", "CONFIG_KPROBE_EVENTS", "CONFIG_BPF_EVENTS"}
	fentryNeeds = []string{"CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS", "CONFIG_DEBUG_INFO_BTF"}
)

// sondeFeatureTests are the end-to-end scripts of cmd/sonde that need
// kprobes or fentry (e2e_kernel_test.go).
var sondeFeatureTests = []featureTest{
	{"TestKernelKprobeCountsOpens", kprobeNeeds},
	{"TestKernelKretprobeRetval", kprobeNeeds},
	{"TestKernelFentryArgs", fentryNeeds},
	{"TestKernelFexitRetval", fentryNeeds},
	{"TestKernelKprobeStructCast", append(kprobeNeeds, "CONFIG_DEBUG_INFO_BTF")},
	{"TestKernelKprobeWildcard", kprobeNeeds},
	{"TestKernelKprobeWildcard/single", kprobeNeeds},
	{"TestKernelKprobeWildcard/multi", append(kprobeNeeds, "CONFIG_FPROBE")},
	{"TestKernelFallback", append(kprobeNeeds, fentryNeeds...)},
	{"TestKernelKstack", kprobeNeeds},
	{"TestKernelKprobeNames", kprobeNeeds},
	{"TestKernelKprobeNames/unknown_function", kprobeNeeds},
	{"TestKernelKprobeNames/kretprobe_retval_and_kprobe_arg0_key_one_map", kprobeNeeds},
}

// defaultSondeRun selects sondeFeatureTests.
const defaultSondeRun = "^TestKernel"

// defaultRuns is the default -run per package, and the feature tests it
// must see pass.
var defaultRuns = map[string]struct {
	run      string
	features []featureTest
}{
	attachPkg: {defaultRun, attachFeatureTests},
	sondePkg:  {defaultSondeRun, sondeFeatureTests},
}

type payload struct {
	arg        string // as given to -pkg
	importPath string
	dir        string
	bin        string // go test -c output
	initrd     string
	noTests    bool
}

func main() {
	kernels := flag.String("kernels", "6.1,6.12", "comma-separated kernels: "+knownNames()+", a linux-image-* package, or a vmlinuz path")
	run := flag.String("run", "", "go test -run regexp (default: the kernel-feature tests of runtime/attach)")
	pkgs := flag.String("pkg", "./runtime/attach,./cmd/sonde", "comma-separated packages whose tests run in the VM")
	timeout := flag.Duration("timeout", 3*time.Minute, "per-boot timeout")
	accel := flag.String("accel", "auto", "tcg, kvm, or auto (kvm only with a usable /dev/kvm and vmx/svm)")
	mem := flag.String("m", "1G", "VM memory")
	smp := flag.Int("smp", 2, "VM CPUs")
	keep := flag.Bool("keep", false, "keep the work directory (binaries, initramfs)")
	quiet := flag.Bool("q", false, "don't stream the VM console, print only the summary")
	flag.Parse()
	os.Exit(realMain(*kernels, *run, *pkgs, *timeout, *accel, *mem, *smp, *keep, *quiet))
}

func logf(format string, args ...any) { fmt.Printf("vmtest: "+format+"\n", args...) }

func realMain(kernelList, run, pkgList string, timeout time.Duration, accel, mem string, smp int, keep, quiet bool) int {
	t0 := time.Now()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if _, err := exec.LookPath("qemu-system-x86_64"); err != nil {
		logf("qemu-system-x86_64 not found: install qemu-system-x86 (apt-get install -y --no-install-recommends qemu-system-x86)")
		return 1
	}
	runDefault := run == ""

	work, err := os.MkdirTemp("", "sonde-vmtest-")
	if err != nil {
		logf("%v", err)
		return 1
	}
	if keep {
		logf("work directory %s", work)
	} else {
		defer os.RemoveAll(work)
	}

	// Build while the kernels download.
	var (
		wg       sync.WaitGroup
		payloads []*payload
		vminit   = filepath.Join(work, "vminit")
		buildErr error
		buildDur time.Duration
	)
	for _, p := range strings.Split(pkgList, ",") {
		if p = strings.TrimSpace(p); p != "" {
			payloads = append(payloads, &payload{arg: p})
		}
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		start := time.Now()
		buildErr = build(ctx, work, vminit, payloads)
		buildDur = time.Since(start)
	}()

	f := &fetcher{cache: cacheDir()}
	type fetched struct {
		name string
		k    *kernel
		err  error
	}
	var ks []fetched
	var fetchDur time.Duration
	for _, name := range strings.Split(kernelList, ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		k, err := f.get(ctx, name)
		if k != nil {
			fetchDur += k.fetch
			logf("kernel %s: %s (%s, %.1fs)", name, k.vmlinuz, k.note, k.fetch.Seconds())
		}
		ks = append(ks, fetched{name, k, err})
	}
	wg.Wait()
	logf("build: %.1fs", buildDur.Seconds())
	if buildErr != nil {
		logf("build failed: %v", buildErr)
		return 1
	}

	opts := qemuOpts{accel: accel, mem: mem, smp: smp, timeout: timeout, initTimeout: 90 * time.Second}
	_, accelName := accelArgs(accel)
	type summary struct {
		title string
		lines []string
		fails int
	}
	var sums []summary
	failed, skippedKernels := false, 0
	var bootDur time.Duration
	for _, fk := range ks {
		if fk.err != nil {
			if errors.Is(fk.err, errNoFetch) {
				logf("skipped: cannot fetch kernel %s (%v)", fk.name, fk.err)
				sums = append(sums, summary{title: fmt.Sprintf("kernel %s: skipped: cannot fetch kernel %s", fk.name, fk.name)})
				skippedKernels++
				continue
			}
			logf("kernel %s: %v", fk.name, fk.err)
			sums = append(sums, summary{title: fmt.Sprintf("kernel %s: ERROR %v", fk.name, fk.err), fails: 1})
			failed = true
			continue
		}
		cfg := kernelConfig(fk.k.config)
		for _, p := range payloads {
			if p.noTests {
				continue
			}
			if ctx.Err() != nil {
				logf("interrupted")
				return 1
			}
			pkgRun := run
			var features []featureTest
			if d, ok := defaultRuns[p.importPath]; ok {
				features = d.features
				if runDefault {
					pkgRun = d.run
				}
			} else if runDefault {
				pkgRun = "."
			}
			args := []string{"-C", "/pkg", "/payload", "-test.v", "-test.run=" + pkgRun,
				"-test.timeout=" + (timeout - 20*time.Second).String()}
			logf("booting %s (%s) with %s, accel=%s: %s", fk.name, filepath.Base(fk.k.vmlinuz), p.importPath, accelName, strings.Join(args[3:], " "))
			var out = os.Stdout
			if quiet {
				out, _ = os.Open(os.DevNull)
			}
			b := runVM(ctx, opts, fk.k.vmlinuz, p.initrd, args, out, "["+fk.name+"] ")
			bootDur += b.total
			lines, fails := judge(b, cfg, fk.k.config != "", features, runDefault)
			release := b.release
			if release == "" {
				release = "?"
			}
			verdict := "OK"
			if fails > 0 {
				verdict = "FAILED"
				failed = true
			}
			sums = append(sums, summary{
				title: fmt.Sprintf("kernel %s (%s, %s) %s: %s  [boot %.1fs, first output %.1fs, payload %s]",
					fk.name, release, pkgLabel(fk.k), p.importPath, verdict, b.total.Seconds(), b.firstOutput.Seconds(), b.payloadTime),
				lines: lines, fails: fails,
			})
		}
	}

	fmt.Println()
	fmt.Println("==== vmtest summary ====")
	for _, s := range sums {
		fmt.Println(s.title)
		for _, l := range s.lines {
			fmt.Println("    " + l)
		}
	}
	fmt.Printf("timings: kernel fetch %.1fs, build %.1fs (concurrent with fetch), boots %.1fs, total %.1fs\n",
		fetchDur.Seconds(), buildDur.Seconds(), bootDur.Seconds(), time.Since(t0).Seconds())
	switch {
	case failed:
		fmt.Println("vmtest: FAIL")
		return 1
	case skippedKernels == len(ks):
		fmt.Println("vmtest: skipped: no kernel could be fetched")
	default:
		fmt.Println("vmtest: ok")
	}
	return 0
}

func pkgLabel(k *kernel) string {
	if k.pkg != "" {
		return k.pkg
	}
	return k.vmlinuz
}

// judge turns one boot into summary lines and a failure count.
func judge(b *boot, cfg map[string]string, haveCfg bool, features []featureTest, runDefault bool) ([]string, int) {
	var lines []string
	fails := 0
	bad := func(format string, args ...any) {
		fails++
		lines = append(lines, "FAIL  "+fmt.Sprintf(format, args...))
	}
	feature := map[string]featureTest{}
	for _, ft := range features {
		feature[ft.name] = ft
	}
	missing := func(needs []string) []string {
		var m []string
		for _, n := range needs {
			if v := cfg[n]; v != "y" {
				m = append(m, n)
			}
		}
		return m
	}
	seen := map[string]bool{}
	for _, r := range b.results {
		seen[r.name] = true
		reason := ""
		if len(r.log) > 0 {
			reason = ": " + strings.Join(r.log, " / ")
		}
		switch r.status {
		case "PASS":
			lines = append(lines, fmt.Sprintf("PASS  %s (%s)", r.name, r.elapsed))
		case "FAIL":
			bad("%s (%s)%s", r.name, r.elapsed, reason)
		case "SKIP":
			ft, isFeature := feature[r.name]
			switch {
			case !isFeature:
				lines = append(lines, fmt.Sprintf("SKIP  %s%s", r.name, reason))
			case !haveCfg:
				lines = append(lines, fmt.Sprintf("SKIP  %s%s (no kernel config to check whether that is expected)", r.name, reason))
			default:
				if m := missing(ft.needs); len(m) > 0 {
					lines = append(lines, fmt.Sprintf("SKIP  %s (expected: kernel lacks %s)%s", r.name, strings.Join(m, ", "), reason))
				} else {
					bad("%s skipped although the kernel has %s%s", r.name, strings.Join(ft.needs, ", "), reason)
				}
			}
		}
	}
	if runDefault {
		for _, ft := range features {
			if !seen[ft.name] {
				bad("%s did not run", ft.name)
			}
		}
	}
	switch {
	case b.qemuErr != nil:
		bad("qemu: %v", b.qemuErr)
	case b.timedOut:
		bad("VM timed out after %.0fs", b.total.Seconds())
	case b.noInit:
		bad("VM hung in early boot (no output from init)")
	}
	if b.attempts > 1 {
		lines = append(lines, fmt.Sprintf("note: %d boots needed (kernel died before init)", b.attempts))
	}
	if !b.haveExit {
		bad("no exit marker: the VM crashed or timed out; last console lines:")
		for _, l := range b.tail {
			lines = append(lines, "      | "+l)
		}
	} else if b.exitCode != 0 && fails == 0 {
		bad("test binary exited %d", b.exitCode)
		for _, l := range b.tail {
			lines = append(lines, "      | "+l)
		}
	}
	return lines, fails
}

// build compiles vminit and one static test binary per package, and packs
// one initramfs per package.
func build(ctx context.Context, work, vminit string, payloads []*payload) error {
	env := append(os.Environ(), "CGO_ENABLED=0")
	goCmd := func(args ...string) error {
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Env = env
		cmd.Stderr = os.Stderr
		cmd.Stdout = os.Stderr
		return cmd.Run()
	}
	if err := goCmd("build", "-trimpath", "-ldflags=-s -w", "-o", vminit, "sonde/internal/vmtest/vminit"); err != nil {
		return fmt.Errorf("go build vminit: %w", err)
	}
	for i, p := range payloads {
		out, err := exec.CommandContext(ctx, "go", "list", "-f", "{{.ImportPath}}\t{{.Dir}}\t{{len .TestGoFiles}}\t{{len .XTestGoFiles}}", p.arg).Output()
		if err != nil {
			return fmt.Errorf("go list %s: %w", p.arg, err)
		}
		fields := strings.Split(strings.TrimSpace(string(out)), "\t")
		if len(fields) != 4 {
			return fmt.Errorf("go list %s: unexpected output %q (one package per -pkg entry)", p.arg, out)
		}
		p.importPath, p.dir = fields[0], fields[1]
		if fields[2] == "0" && fields[3] == "0" {
			logf("%s has no tests", p.importPath)
			p.noTests = true
			continue
		}
		p.bin = filepath.Join(work, fmt.Sprintf("payload%d.test", i))
		if err := goCmd("test", "-c", "-o", p.bin, p.arg); err != nil {
			return fmt.Errorf("go test -c %s: %w", p.arg, err)
		}
		files := map[string]string{"payload": p.bin}
		if td := filepath.Join(p.dir, "testdata"); dirExists(td) {
			files["pkg/testdata"] = td
		}
		p.initrd = filepath.Join(work, fmt.Sprintf("initramfs%d.cpio", i))
		if err := writeInitramfs(p.initrd, vminit, files); err != nil {
			return fmt.Errorf("initramfs for %s: %w", p.importPath, err)
		}
	}
	return nil
}

func dirExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
