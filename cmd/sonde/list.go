package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"sonde/host"
	kbtf "sonde/kernel/btf"
	"sonde/kernel/dwarftypes"
	"sonde/kernel/tracefs"
	"sonde/kernel/usym"
	"sonde/provider"
)

// listUserOpts are the flags user-space listings read: --debuginfo, where
// -lv finds separate debug files, and -p, whose mapped files `*` is.
var listUserOpts struct {
	debugDirs []string
	pid       int
}

// list implements -l and -lv for a probe pattern or a type name.
// The pattern may be several, comma-separated (`-lv 'kprobe:vfs_read,struct
// file'`).
func list(opts *options, stdout, stderr io.Writer) int {
	pattern := opts.listArg
	listUserOpts.debugDirs, listUserOpts.pid = opts.debugDirs, opts.pid
	if pattern == "" && opts.pid > 0 {
		// -l -p PID: the functions and USDT probes of every file it maps.
		for _, p := range []string{"uprobe:*:*", "usdt:*:*"} {
			if err := listPattern(stdout, p, opts.verbose); err != nil {
				fmt.Fprintf(stderr, "sonde: %v\n", err)
				return 1
			}
		}
		return 0
	}
	if looksLikeScript(pattern) {
		fmt.Fprintf(stderr, "WARNING: It appears that '%s' is a filename but the file does not exist. Treating '%s' as a search pattern.\n", pattern, pattern)
	}
	if pattern == "" {
		listEverything(stdout)
		return 0
	}
	for _, p := range strings.Split(pattern, ",") {
		if err := listPattern(stdout, strings.TrimSpace(p), opts.verbose); err != nil {
			fmt.Fprintf(stderr, "sonde: %v\n", err)
			return 1
		}
	}
	return 0
}

// looksLikeScript: a -l argument named like a script file that is not
// there (the file case is handled before listing).
func looksLikeScript(s string) bool {
	return (strings.HasSuffix(s, ".bt") || strings.HasSuffix(s, ".sd")) && !strings.ContainsAny(s, "*?") && !fileExists(s)
}

// listEverything is a bare -l: every probe of every provider that needs
// no target binary, as bpftrace lists them; a provider this machine cannot
// list is skipped.
func listEverything(w io.Writer) {
	for _, d := range provider.All() {
		l := listers[d.Expand]
		if l == nil || d.Expand == provider.ExpandELF || d.Expand == provider.ExpandUSDT || !d.Runs() {
			continue
		}
		_ = l(w, d, "*", false)
	}
}

func listPattern(w io.Writer, pattern string, verbose bool) error {
	if pattern == "" {
		pattern = "*"
	}
	if host.IsBTFName(pattern) {
		// bpftrace names the BTF the type comes from.
		if _, err := io.WriteString(w, "vmlinux: "); err != nil {
			return err
		}
		return kbtf.New().ListStruct(w, pattern)
	}
	name, rest, found := strings.Cut(pattern, ":")
	switch {
	case !found:
		// A bare pattern searches the providers marked ListsBare
		// (tracepoints, the most common case).
		for _, d := range provider.All() {
			if d.ListsBare {
				if err := listers[d.Expand](w, d, pattern, verbose); err != nil {
					return err
				}
			}
		}
		return nil
	case name == "*":
		// *:PATTERN searches every provider marked Listed, skipping those
		// this machine cannot list.
		for _, d := range provider.All() {
			if d.Listed {
				_ = listers[d.Expand](w, d, rest, verbose)
			}
		}
		return nil
	}
	d, ok := provider.Lookup(name)
	if !ok {
		return fmt.Errorf("unknown probe type %q", name)
	}
	if !d.Runs() {
		return fmt.Errorf("%s probes are not supported yet: %s", d.Name, d.NotYet)
	}
	if l := listers[d.Expand]; l != nil {
		return l(w, d, rest, verbose)
	}
	return nil // begin, end, profile...: nothing to list
}

// A lister prints the probes of a provider matching pattern, as -l and -lv
// show them, for every provider of one Expansion.
type lister func(w io.Writer, d *provider.Provider, pattern string, verbose bool) error

var listers = map[provider.Expansion]lister{
	provider.ExpandTracefs:           listTracepoints,
	provider.ExpandPerfEvent:         listPerfEvents,
	provider.ExpandKallsyms:          listKprobes,
	provider.ExpandBTFFuncs:          listBTF,
	provider.ExpandBTFRawTracepoints: listBTF,
	provider.ExpandBTFIters:          listIters,
	provider.ExpandELF:               listUser,
	provider.ExpandUSDT:              listUser,
	provider.ExpandRate:              listRates,
}

// listRates prints `interval:UNIT:` for each unit a rate probe takes.
func listRates(w io.Writer, d *provider.Provider, pattern string, verbose bool) error {
	if pattern == "" {
		pattern = "*"
	}
	for _, u := range provider.RateUnits {
		if tracefs.Match(pattern, u) || tracefs.Match(pattern, u+":") {
			fmt.Fprintf(w, "%s:%s:\n", d.Name, u)
		}
	}
	return nil
}

func listTracepoints(w io.Writer, d *provider.Provider, pattern string, verbose bool) error {
	if _, err := tracefs.Mount(); err != nil {
		return err
	}
	return tracefs.List(w, pattern, verbose)
}

// listPerfEvents prints `software:NAME:` for each event name or alias of
// the provider matching pattern, sorted, as bpftrace lists them.
func listPerfEvents(w io.Writer, d *provider.Provider, pattern string, verbose bool) error {
	if pattern == "" {
		pattern = "*"
	}
	for _, n := range slices.Sorted(maps.Keys(d.PerfEvents)) {
		if tracefs.Match(pattern, n) {
			fmt.Fprintf(w, "%s:%s:\n", d.Name, n)
		}
	}
	return nil
}

func listKprobes(w io.Writer, d *provider.Provider, pattern string, verbose bool) error {
	if i := strings.LastIndex(pattern, ":"); i >= 0 {
		pattern = pattern[i+1:]
	}
	err := tracefs.ListKprobes(w, d.Name, pattern)
	if err == nil {
		return nil
	}
	// Where available_filter_functions cannot be read (lockdown,
	// no ftrace), the functions in BTF are the best approximation.
	names, berr := kbtf.New().Functions(pattern)
	if berr != nil {
		return err
	}
	for _, n := range names {
		fmt.Fprintf(w, "%s:%s\n", d.Name, n)
	}
	return nil
}

// listUser lists the functions (uprobes) or USDT notes of a binary, of
// each binary a wildcard in the path matches, or with -p, of `*`: every
// file the process maps. A path is shown as
// written; a name found in PATH or the library cache as resolved.
func listUser(w io.Writer, d *provider.Provider, pattern string, verbose bool) error {
	bin, fn, _ := strings.Cut(pattern, ":")
	if fn == "" {
		fn = "*"
	}
	var bins []string
	var err error
	switch {
	case (bin == "*" || bin == "") && listUserOpts.pid > 0:
		bins, err = usym.ProcessBinaries(listUserOpts.pid)
	case usym.HasWildcard(bin):
		bins, err = usym.GlobBinaries(bin)
	default:
		return listBinary(w, d, bin, fn, verbose)
	}
	if err != nil {
		return err
	}
	for _, b := range bins {
		_ = listBinary(w, d, b, fn, verbose) // a stripped match lists nothing
	}
	return nil
}

func listBinary(w io.Writer, d *provider.Provider, bin, fn string, verbose bool) error {
	path, err := usym.ResolveBinary(bin, 0)
	if err != nil {
		return err
	}
	shown := path
	if strings.Contains(bin, "/") {
		shown = bin
	}
	if d.Expand == provider.ExpandUSDT {
		return usym.ListUSDTAs(w, path, shown, fn)
	}
	if !verbose {
		return usym.ListUprobesDetail(w, path, shown, fn, nil)
	}
	// -lv: each function's arguments, from the binary's DWARF.
	df := dwarftypes.Open(path, listUserOpts.debugDirs...)
	return usym.ListUprobesDetail(w, path, shown, fn, func(w io.Writer, s usym.Symbol) {
		if df.HasDebugInfo() {
			_ = df.ListArgs(w, s.Name, s.Addr)
		}
	})
}

// listBTF lists kernel functions (fentry, fexit) or raw tracepoints from
// BTF; -lv adds their arguments.
func listBTF(w io.Writer, d *provider.Provider, pattern string, verbose bool) error {
	prov, raw := d.Name, d.Expand == provider.ExpandBTFRawTracepoints
	k := kbtf.New()
	if i := strings.LastIndex(pattern, ":"); i >= 0 {
		pattern = pattern[i+1:]
	}
	var names []string
	var err error
	if raw {
		names, err = k.RawTracepoints(pattern)
	} else {
		names, err = k.Functions(pattern)
	}
	if err != nil {
		return err
	}
	for _, n := range names {
		// bpftrace names the module: fentry:vmlinux:vfs_read.
		fmt.Fprintf(w, "%s:vmlinux:%s\n", prov, n)
		if !verbose {
			continue
		}
		var proto *kbtf.FuncProto
		if raw {
			proto, err = k.RawTracepoint(n)
		} else {
			proto, err = k.Func(n)
		}
		if err == nil {
			k.ListFuncArgs(w, proto)
		}
	}
	return nil
}

// listIters lists the kernel's BPF iterators: the struct bpf_iter__NAME
// types in BTF, which are also ctx's type in iter:NAME (-lv shows them).
func listIters(w io.Writer, d *provider.Provider, pattern string, verbose bool) error {
	if pattern == "" {
		pattern = "*"
	}
	k := kbtf.New()
	names, err := k.Types("struct bpf_iter__" + pattern)
	if err != nil {
		return err
	}
	for _, n := range names {
		fmt.Fprintf(w, "%s:%s\n", d.Name, strings.TrimPrefix(n, "struct bpf_iter__"))
		if verbose {
			if err := k.ListStruct(w, n); err != nil {
				return err
			}
		}
	}
	return nil
}
