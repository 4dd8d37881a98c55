package main

import (
	"sonde/plan"

	"fmt"
	"io"
	"strings"

	"sonde/compiler"
	"sonde/host"
	kbtf "sonde/kernel/btf"
	"sonde/kernel/tracefs"
	"sonde/kernel/usym"
)

// list implements -l and -lv for a probe pattern or a type name.
func list(opts *options, stdout, stderr io.Writer) int {
	pattern := opts.listArg
	if err := listPattern(stdout, pattern, opts.verbose); err != nil {
		fmt.Fprintf(stderr, "sonde: %v\n", err)
		return 1
	}
	return 0
}

func listPattern(w io.Writer, pattern string, verbose bool) error {
	if pattern == "" {
		pattern = "*"
	}
	if host.IsBTFName(pattern) {
		return kbtf.New().ListStruct(w, pattern)
	}
	prov, rest, found := strings.Cut(pattern, ":")
	if !found {
		// A bare pattern searches tracepoints, as the most common case.
		rest = pattern
		prov = "tracepoint"
	}
	canon, ok := compiler.CanonicalProvider(prov)
	if !ok && prov != "*" {
		return fmt.Errorf("unknown probe type %q", prov)
	}
	if prov == "*" {
		canon = ""
	}
	if canon == "" || canon == plan.ProviderTracepoint {
		if _, err := tracefs.Mount(); err != nil {
			return err
		}
		if err := tracefs.List(w, rest, verbose); err != nil && canon != "" {
			return err
		}
	}
	if canon == "" || canon == plan.ProviderSoftware {
		tracefs.ListSoftware(w, rest)
	}
	if canon == "" || canon == plan.ProviderHardware {
		tracefs.ListHardware(w, rest)
	}
	switch canon {
	case plan.ProviderKprobe, plan.ProviderKretprobe:
		if i := strings.LastIndex(rest, ":"); i >= 0 {
			rest = rest[i+1:]
		}
		err := tracefs.ListKprobes(w, rest)
		if err == nil {
			return nil
		}
		// Where available_filter_functions cannot be read (lockdown,
		// no ftrace), the functions in BTF are the best approximation.
		names, berr := kbtf.New().Functions(rest)
		if berr != nil {
			return err
		}
		for _, n := range names {
			fmt.Fprintf(w, "kprobe:%s\n", n)
		}
		return nil
	case plan.ProviderRawTracepoint, plan.ProviderFentry, plan.ProviderFexit:
		return listBTF(w, canon, rest, verbose)
	case plan.ProviderIter:
		return listIters(w, rest, verbose)
	case plan.ProviderUprobe, plan.ProviderUretprobe, plan.ProviderUSDT:
		bin, fn, _ := strings.Cut(rest, ":")
		path, err := usym.ResolveBinary(bin, 0)
		if err != nil {
			return err
		}
		if fn == "" {
			fn = "*"
		}
		if canon == plan.ProviderUSDT {
			return usym.ListUSDT(w, path, fn)
		}
		return usym.ListUprobes(w, path, fn)
	}
	return nil
}

func listBTF(w io.Writer, prov, pattern string, verbose bool) error {
	k := kbtf.New()
	if i := strings.LastIndex(pattern, ":"); i >= 0 {
		pattern = pattern[i+1:]
	}
	var names []string
	var err error
	if prov == plan.ProviderRawTracepoint {
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
		if prov == plan.ProviderRawTracepoint {
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
func listIters(w io.Writer, pattern string, verbose bool) error {
	if pattern == "" {
		pattern = "*"
	}
	k := kbtf.New()
	names, err := k.Types("struct bpf_iter__" + pattern)
	if err != nil {
		return err
	}
	for _, n := range names {
		fmt.Fprintf(w, "iter:%s\n", strings.TrimPrefix(n, "struct bpf_iter__"))
		if verbose {
			if err := k.ListStruct(w, n); err != nil {
				return err
			}
		}
	}
	return nil
}
