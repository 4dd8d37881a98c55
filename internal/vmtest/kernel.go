package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// kernelSpec is a kernel series the harness knows how to fetch: a Debian
// package resolved through a meta-package, with pinned fallbacks.
type kernelSpec struct {
	name    string         // "6.1", as given to -kernels
	meta    string         // meta-package whose Depends names the current ABI
	pattern *regexp.Regexp // what a package of this series is called
	pinned  []string       // fallback names, newest first
}

// knownKernels are the stock Debian bookworm cloud kernels. The cloud
// flavour boots about a second faster than the generic one under TCG and
// has everything the tests need built in (see README.md).
var knownKernels = []kernelSpec{
	{
		name:    "6.1",
		meta:    "linux-image-cloud-amd64",
		pattern: regexp.MustCompile(`^linux-image-6\.1\.0-\d+-cloud-amd64$`),
		pinned:  []string{"linux-image-6.1.0-56-cloud-amd64", "linux-image-6.1.0-50-cloud-amd64"},
	},
	{
		name:    "6.12",
		meta:    "linux-image-6.12-cloud-amd64",
		pattern: regexp.MustCompile(`^linux-image-6\.12\.\d+\+deb\d+-cloud-amd64$`),
		pinned:  []string{"linux-image-6.12.117+deb12-cloud-amd64"},
	},
}

// kernel is a fetched kernel, ready to boot.
type kernel struct {
	name    string // "6.1", or the path given to -kernels
	pkg     string // Debian package, "" for a local file
	vmlinuz string
	config  string // "" when unknown
	fetch   time.Duration
	note    string // e.g. "from cache"
}

// cacheDir is $SONDE_VMTEST_CACHE, else $XDG_CACHE_HOME/sonde-vmtest, else
// /var/cache/sonde-vmtest.
func cacheDir() string {
	if d := os.Getenv("SONDE_VMTEST_CACHE"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "sonde-vmtest")
	}
	return "/var/cache/sonde-vmtest"
}

// errNoFetch means the kernel could not be downloaded (no mirror, no apt):
// the harness skips that kernel instead of failing.
var errNoFetch = errors.New("cannot fetch kernel")

type fetcher struct {
	cache   string
	verbose bool

	updateOnce sync.Once
	updateErr  error
	resolved   map[string][]string // series -> apt-cache depends answer
}

func (f *fetcher) logf(format string, args ...any) {
	fmt.Printf("vmtest: "+format+"\n", args...)
}

// get returns the kernel for a -kernels entry: a known series name, a
// Debian package name, or a path to a vmlinuz (config-* or config beside it
// is used when present).
func (f *fetcher) get(ctx context.Context, name string) (*kernel, error) {
	start := time.Now()
	if strings.Contains(name, "/") {
		if _, err := os.Stat(name); err != nil {
			return nil, err
		}
		k := &kernel{name: name, vmlinuz: name, note: "local file"}
		dir, base := filepath.Split(name)
		for _, c := range []string{filepath.Join(dir, strings.Replace(base, "vmlinuz", "config", 1)), filepath.Join(dir, "config")} {
			if c != name && fileExists(c) {
				k.config = c
				break
			}
		}
		return k, nil
	}

	var spec *kernelSpec
	for i := range knownKernels {
		if knownKernels[i].name == name {
			spec = &knownKernels[i]
		}
	}
	var candidates []string
	if spec == nil {
		if !strings.HasPrefix(name, "linux-image-") {
			return nil, fmt.Errorf("unknown kernel %q: want one of %s, a linux-image-* package or a vmlinuz path", name, knownNames())
		}
		candidates = []string{name}
	} else {
		candidates = append(f.resolve(ctx, spec), spec.pinned...)
	}
	candidates = dedup(candidates)

	// The newest candidate, from the cache or downloaded.
	var errs []string
	for _, pkg := range candidates {
		if k := f.cached(name, pkg); k != nil {
			k.fetch = time.Since(start)
			return k, nil
		}
		err := f.download(ctx, pkg)
		if err == nil {
			k := f.cached(name, pkg)
			if k == nil {
				return nil, fmt.Errorf("%s: unpacked but no vmlinuz in the cache", pkg)
			}
			k.note = "downloaded"
			k.fetch = time.Since(start)
			return k, nil
		}
		errs = append(errs, err.Error())
		if ctx.Err() != nil || !errors.Is(err, errNotInLists) {
			break // no network: the other candidates would fail the same way
		}
	}
	// Offline: any cached package of the series will do.
	if spec != nil {
		ents, _ := os.ReadDir(f.cache)
		for i := len(ents) - 1; i >= 0; i-- {
			if spec.pattern.MatchString(ents[i].Name()) {
				if k := f.cached(name, ents[i].Name()); k != nil {
					k.note = "from cache (newer " + strings.Join(candidates[:1], "") + " not downloadable)"
					k.fetch = time.Since(start)
					return k, nil
				}
			}
		}
	}
	return nil, fmt.Errorf("%w: %s", errNoFetch, strings.Join(errs, "; "))
}

func knownNames() string {
	var s []string
	for _, k := range knownKernels {
		s = append(s, k.name)
	}
	return strings.Join(s, ", ")
}

func dedup(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// resolve asks apt which package of the series its meta-package depends on
// now (e.g. linux-image-cloud-amd64 -> linux-image-6.1.0-56-cloud-amd64).
func (f *fetcher) resolve(ctx context.Context, spec *kernelSpec) []string {
	if pkgs, ok := f.resolved[spec.name]; ok {
		return pkgs
	}
	pkgs := f.resolveApt(ctx, spec)
	if f.resolved == nil {
		f.resolved = map[string][]string{}
	}
	f.resolved[spec.name] = pkgs
	return pkgs
}

func (f *fetcher) resolveApt(ctx context.Context, spec *kernelSpec) []string {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "apt-cache", "depends", spec.meta).Output()
	if err != nil {
		return nil
	}
	var pkgs []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		dep, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "Depends:")
		dep = strings.TrimSpace(dep)
		if ok && spec.pattern.MatchString(dep) {
			pkgs = append(pkgs, dep)
		}
	}
	return pkgs
}

// cached returns the kernel if the cache holds pkg's vmlinuz.
func (f *fetcher) cached(name, pkg string) *kernel {
	dir := filepath.Join(f.cache, pkg)
	if !fileExists(filepath.Join(dir, "vmlinuz")) {
		return nil
	}
	k := &kernel{name: name, pkg: pkg, vmlinuz: filepath.Join(dir, "vmlinuz"), note: "cached"}
	if c := filepath.Join(dir, "config"); fileExists(c) {
		k.config = c
	}
	return k
}

// download fetches pkg with apt-get download (after one apt-get update if
// the first try fails), unpacks it with dpkg-deb -x and keeps only
// boot/vmlinuz-* and boot/config-* in the cache.
func (f *fetcher) download(ctx context.Context, pkg string) error {
	if err := os.MkdirAll(f.cache, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(f.cache, ".fetch-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	_ = os.Chmod(tmp, 0o755) // apt's _apt user downloads into it

	f.logf("downloading %s into %s", pkg, f.cache)
	err = f.aptDownload(ctx, tmp, pkg)
	if errors.Is(err, errNotInLists) {
		// Stale package lists (the archive dropped an old ABI, or lists
		// were never fetched): refresh once and retry.
		f.updateOnce.Do(func() {
			f.logf("%v; running apt-get update once", err)
			uctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
			defer cancel()
			out, uerr := exec.CommandContext(uctx, "apt-get", "update", "-q").CombinedOutput()
			if uerr != nil {
				f.updateErr = fmt.Errorf("apt-get update: %v: %s", uerr, aptErrors(string(out)))
			}
		})
		if f.updateErr != nil {
			return fmt.Errorf("%v (then %v)", err, f.updateErr)
		}
		err = f.aptDownload(ctx, tmp, pkg)
	}
	if err != nil {
		return err
	}
	debs, _ := filepath.Glob(filepath.Join(tmp, "*.deb"))
	if len(debs) != 1 {
		return fmt.Errorf("apt-get download %s: got %d .deb files", pkg, len(debs))
	}
	root := filepath.Join(tmp, "root")
	if out, err := exec.CommandContext(ctx, "dpkg-deb", "-x", debs[0], root).CombinedOutput(); err != nil {
		return fmt.Errorf("dpkg-deb -x %s: %v: %s", filepath.Base(debs[0]), err, lastLines(string(out), 3))
	}
	vmlinuz, _ := filepath.Glob(filepath.Join(root, "boot", "vmlinuz-*"))
	configs, _ := filepath.Glob(filepath.Join(root, "boot", "config-*"))
	if len(vmlinuz) != 1 {
		return fmt.Errorf("%s: %d boot/vmlinuz-* files in the package", pkg, len(vmlinuz))
	}
	stage := filepath.Join(tmp, "stage")
	if err := os.Mkdir(stage, 0o755); err != nil {
		return err
	}
	if err := os.Rename(vmlinuz[0], filepath.Join(stage, "vmlinuz")); err != nil {
		return err
	}
	if len(configs) == 1 {
		if err := os.Rename(configs[0], filepath.Join(stage, "config")); err != nil {
			return err
		}
	}
	// The vmlinuz file is root-only in the package; QEMU just reads it.
	_ = os.Chmod(filepath.Join(stage, "vmlinuz"), 0o644)
	dst := filepath.Join(f.cache, pkg)
	_ = os.RemoveAll(dst)
	return os.Rename(stage, dst)
}

func (f *fetcher) aptDownload(ctx context.Context, dir, pkg string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "apt-get", "download", "-q", pkg)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		msg := aptErrors(string(out))
		if strings.Contains(msg, "Unable to locate package") || strings.Contains(msg, "Can't select") || strings.Contains(msg, "404") {
			return fmt.Errorf("apt-get download %s: %w: %s", pkg, errNotInLists, msg)
		}
		return fmt.Errorf("apt-get download %s: %v: %s", pkg, err, msg)
	}
	return nil
}

// errNotInLists: apt does not know the package (or the mirror no longer
// has it); an apt-get update may help, unlike a network failure.
var errNotInLists = errors.New("package not found")

// aptErrors keeps apt's "E:" lines (the "W: Download is performed
// unsandboxed" warning and progress lines are noise).
func aptErrors(out string) string {
	var errs []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "E: ") || strings.HasPrefix(l, "Err:") {
			errs = append(errs, strings.TrimSpace(l))
		}
	}
	if len(errs) == 0 {
		return lastLines(out, 2)
	}
	return strings.Join(errs, " | ")
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

// kernelConfig reads a kernel config file into option -> value ("y", "m",
// ...); options that are "not set" are absent.
func kernelConfig(path string) map[string]string {
	if path == "" {
		return nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	cfg := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && strings.HasPrefix(k, "CONFIG_") {
			cfg[k] = strings.Trim(v, `"`)
		}
	}
	return cfg
}
