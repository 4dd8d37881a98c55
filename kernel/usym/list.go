package usym

import (
	"bufio"
	"debug/elf"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ListUprobes writes the uprobes of the binary at path whose function
// matches pattern, one "uprobe:PATH:func" a line, sorted and deduplicated
// as `bpftrace -l` prints them. path should be what ResolveBinary gave.
func ListUprobes(w io.Writer, path, pattern string) error {
	return ListUprobesDetail(w, path, path, pattern, nil)
}

// ListUprobesDetail is ListUprobes naming the binary shown (as the user
// wrote it), with detail, when not nil, writing the lines that follow
// each function's (its arguments for -lv).
func ListUprobesDetail(w io.Writer, path, shown, pattern string, detail func(w io.Writer, s Symbol)) error {
	f, err := Open(path)
	if err != nil {
		return err
	}
	if pattern == "" {
		pattern = "*"
	}
	var lines []string
	bySym := map[string]Symbol{}
	for _, s := range f.Match(pattern) {
		l := "uprobe:" + shown + ":" + quote(s.Name)
		lines = append(lines, l)
		if _, dup := bySym[l]; !dup {
			bySym[l] = s
		}
	}
	if detail == nil {
		return writeLines(w, lines)
	}
	var b strings.Builder
	if err := writeLines(&b, lines); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	for _, l := range strings.SplitAfter(b.String(), "\n") {
		if l == "" {
			continue
		}
		bw.WriteString(l)
		detail(bw, bySym[strings.TrimSuffix(l, "\n")])
	}
	return bw.Flush()
}

// ListUSDT writes the USDT probes of the binary at path matching pattern
// ("provider:name", or "name" for any provider), one
// "usdt:PATH:provider:name" a line, sorted and deduplicated.
func ListUSDT(w io.Writer, path, pattern string) error {
	return ListUSDTAs(w, path, path, pattern)
}

// ListUSDTAs is ListUSDT naming the binary shown.
func ListUSDTAs(w io.Writer, path, shown, pattern string) error {
	f, err := Open(path)
	if err != nil {
		return err
	}
	probes, err := f.USDTProbes()
	if err != nil {
		return err
	}
	if pattern == "" {
		pattern = "*"
	}
	var lines []string
	for _, p := range probes {
		if matchUSDT(pattern, p) {
			lines = append(lines, "usdt:"+shown+":"+p.Provider+":"+p.Name)
		}
	}
	return writeLines(w, lines)
}

// quote keeps a listed name parseable as a probe component: Go's
// "type:.eq.T" would otherwise split at its colon.
func quote(name string) string {
	if strings.ContainsAny(name, ": \t\"") {
		return `"` + strings.ReplaceAll(name, `"`, `\"`) + `"`
	}
	return name
}

func writeLines(w io.Writer, lines []string) error {
	sort.Strings(lines)
	bw := bufio.NewWriter(w)
	for i, l := range lines {
		if i > 0 && lines[i-1] == l {
			continue
		}
		bw.WriteString(l)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// GlobBinaries expands a wildcard in a binary's path to the ELF files it
// matches, sorted, keeping a leading "./" as written.
func GlobBinaries(pattern string) ([]string, error) {
	matches, err := filepath.Glob(pattern)
	if err != nil {
		return nil, fmt.Errorf("bad wildcard in %q: %v", pattern, err)
	}
	var out []string
	for _, m := range matches {
		if st, err := os.Stat(m); err != nil || !st.Mode().IsRegular() {
			continue
		}
		if f, err := elf.Open(m); err == nil {
			f.Close()
			if strings.HasPrefix(pattern, "./") && !strings.HasPrefix(m, "./") {
				m = "./" + m
			}
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no ELF file matches %q", pattern)
	}
	return out, nil
}
