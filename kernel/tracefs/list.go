package tracefs

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// Events returns the tracepoints matching pattern, as sorted "group:event"
// strings. The pattern is "group:event" with wildcards in either part; a
// pattern without a colon matches the event name in every group. It reads
// available_events once instead of walking the events tree.
func Events(pattern string) ([]string, error) {
	path, err := Path("available_events")
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("list tracepoints: %w", err)
	}
	defer f.Close()
	return matchEvents(f, pattern)
}

func matchEvents(r io.Reader, pattern string) ([]string, error) {
	if pattern == "" {
		pattern = "*:*"
	}
	if !strings.Contains(pattern, ":") {
		pattern = "*:" + pattern
	}
	var out []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		ev := strings.TrimSpace(sc.Text())
		if ev != "" && Match(pattern, ev) {
			out = append(out, ev)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("list tracepoints: %w", err)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// List prints the tracepoints matching pattern ("group:event", wildcards
// allowed) as `bpftrace -l` does: one `tracepoint:group:event` line each,
// sorted. verbose (-lv) adds each one's args, four spaces in, as the format
// file declares them:
//
//	tracepoint:syscalls:sys_enter_openat
//	    int __syscall_nr
//	    int dfd
//	    const char * filename
func List(w io.Writer, pattern string, verbose bool) error {
	events, err := Events(pattern)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	for _, ev := range events {
		fmt.Fprintf(bw, "tracepoint:%s\n", ev)
		if !verbose {
			continue
		}
		group, name, _ := strings.Cut(ev, ":")
		format, err := Format(group, name)
		if err != nil {
			bw.Flush()
			return err
		}
		writeArgs(bw, format)
	}
	return bw.Flush()
}

func writeArgs(w io.Writer, ev *Event) {
	for _, f := range ev.Args() {
		fmt.Fprintf(w, "    %s\n", f.Decl)
	}
}

// KprobeFunctions returns the kernel functions matching pattern that
// kprobes can attach to, from available_filter_functions, sorted and
// without duplicates. Module suffixes (`fn [mod]`) are dropped, and so are
// `.part.N` clones, which cannot be traced.
func KprobeFunctions(pattern string) ([]string, error) {
	if pattern == "" {
		pattern = "*"
	}
	return MatchTraceable(pattern)
}

func matchFunctions(r io.Reader, pattern string) ([]string, error) {
	if pattern == "" {
		pattern = "*"
	}
	var out []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fn, _, _ := strings.Cut(sc.Text(), " ")
		fn = strings.TrimSpace(fn)
		if fn == "" || strings.Contains(fn, ".part.") || strings.HasPrefix(fn, "__ftrace_invalid_address__") {
			continue
		}
		if Match(pattern, fn) {
			out = append(out, fn)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("list kernel functions: %w", err)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// ListKprobes prints `PROVIDER:fn` (kprobe:vfs_read, kretprobe:vfs_read)
// for each traceable kernel function matching pattern.
func ListKprobes(w io.Writer, provider, pattern string) error {
	fns, err := KprobeFunctions(pattern)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	for _, fn := range fns {
		fmt.Fprintf(bw, "%s:%s\n", provider, fn)
	}
	return bw.Flush()
}
