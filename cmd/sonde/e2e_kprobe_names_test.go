package main

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"sonde/kernel/tracefs"
	"sonde/runtime/ksym"
)

// Kprobes on functions the running kernel names otherwise, as old scripts
// hit them: a misspelt or removed function fails before anything is
// loaded, with the closest names; a function the compiler only left clones
// of attaches to the clone; a name several functions share attaches to
// each by address. Run in stock kernels by internal/vmtest.
func TestKernelKprobeNames(t *testing.T) {
	needProbe(t, "kprobe")
	all, err := tracefs.TraceableFunctions()
	if err != nil {
		t.Skipf("no list of traceable functions: %v", err)
	}
	has := func(fn string) bool { _, ok := slices.BinarySearch(all, fn); return ok }

	t.Run("unknown_function", func(t *testing.T) {
		_, stderr, code := sondeTimeout(t, 60*time.Second, "-e", `BEGIN { exit(); } kprobe:vfs_reed { @ = count(); }`)
		if code != 1 || !regexp.MustCompile(`(?s)stdin:1:19: error: kprobe:vfs_reed: this kernel has no function vfs_reed\n.*\^~+\n.*hint: did you mean vfs_read\b`).MatchString(stderr) {
			t.Errorf("exit %d, stderr:\n%s", code, stderr)
		}
		if strings.Contains(stderr, "Attached") {
			t.Errorf("attached before failing:\n%s", stderr)
		}
	})

	t.Run("renamed_function", func(t *testing.T) {
		// 6.10 renamed the allocators (kmem_cache_alloc_noprof...).
		if has("kmem_cache_alloc") {
			t.Skip("this kernel still has kmem_cache_alloc")
		}
		_, stderr, code := sondeTimeout(t, 60*time.Second, "-e", `kprobe:kmem_cache_alloc { @ = count(); }`)
		if code != 1 || !strings.Contains(stderr, "this kernel has no function kmem_cache_alloc") || !strings.Contains(stderr, "kmem_cache_alloc_noprof") {
			t.Errorf("exit %d, stderr:\n%s", code, stderr)
		}
	})

	t.Run("compiler_clone", func(t *testing.T) {
		fn, clone := "", ""
		for _, f := range all {
			base, suffix, ok := strings.Cut(f, ".")
			if ok && (strings.HasPrefix(suffix, "isra.") || strings.HasPrefix(suffix, "constprop.")) && !has(base) && !strings.Contains(suffix, "cold") {
				fn, clone = base, f
				if base == "finish_task_switch" {
					break
				}
			}
		}
		if fn == "" {
			t.Skip("no function of this kernel exists only as a clone")
		}
		_, stderr, code := sondeTimeout(t, 60*time.Second, "--dry-run", "-e", `kprobe:`+fn+` { @ = count(); }`)
		if code != 0 || !strings.Contains(stderr, "kprobe:"+fn+" attaches to "+clone) {
			t.Errorf("exit %d, stderr:\n%s", code, stderr)
		}
	})

	t.Run("shared_name", func(t *testing.T) {
		syms, err := ksym.Default()
		if err != nil {
			t.Skip(err)
		}
		fn := ""
		for _, c := range []string{"load_elf_binary", "elf_core_dump", "cpumask_weight"} {
			if has(c) && len(syms.TextAddrs(c)) > 1 {
				fn = c
				break
			}
		}
		if fn == "" {
			t.Skip("no common function name is shared by several functions in this kernel")
		}
		prog := `kprobe:` + fn + ` { @ = count(); }`
		if fn == "load_elf_binary" {
			prog = `kprobe:load_elf_binary /pid == cpid/ { @ = count(); }`
		}
		stdout, stderr, code := sondeTimeout(t, 60*time.Second, "-c", kernelWork(t, "getpid:1"), "-e", prog)
		if code != 0 || !strings.Contains(stderr, "functions are named "+fn+"; attaching to each by address") {
			t.Errorf("exit %d, stderr:\n%s", code, stderr)
		}
		if fn == "load_elf_binary" && !strings.Contains(stdout, "@: 1\n") {
			t.Errorf("the exec of the workload was not counted once:\n%s", stdout)
		}
	})

	t.Run("kretprobe_retval_and_kprobe_arg0_key_one_map", func(t *testing.T) {
		if !has("getname") || !has("putname") {
			t.Skip("no getname/putname")
		}
		stdout, stderr, code := sondeTimeout(t, 60*time.Second, "-c", kernelWork(t, "open:20:/etc/hostname"), "-e",
			`kretprobe:getname /pid == cpid/ { @names[retval] = 1; } kprobe:putname /@names[arg0]/ { @hits = count(); delete(@names[arg0]); } END { clear(@names); }`)
		if code != 0 || !regexp.MustCompile(`@hits: [1-9]`).MatchString(stdout) {
			t.Errorf("exit %d\nstderr:\n%s\nstdout:\n%s", code, stderr, stdout)
		}
	})
}
