package refdoc

import (
	"bytes"
	"fmt"
	"strings"
)

// Markdown renders the reference: one section per kind, entries sorted, as
// docs/reference.md holds it.
func Markdown(docs []Doc) []byte {
	var b bytes.Buffer
	b.WriteString("# sonde language reference\n\n")
	b.WriteString("<!-- Generated from the catalogue by `go generate ./...` (internal/refdoc). Do not edit. -->\n\n")
	b.WriteString("Every probe provider, builtin variable, function, aggregation, config key and output format sonde knows, ")
	b.WriteString("with how it is written, what it does and an example that compiles. ")
	b.WriteString("`sonde help NAME` prints one entry; `sonde help` lists them all.\n\n")
	for _, s := range sections {
		fmt.Fprintf(&b, "- [%s](#%s):", s.title, anchor(s.title))
		for _, d := range ofKind(docs, s.kind) {
			fmt.Fprintf(&b, " [%s](#%s)", d.Name, anchor(string(s.kind)+"-"+d.Name))
		}
		b.WriteString("\n")
	}
	for _, s := range sections {
		fmt.Fprintf(&b, "\n## %s\n\n%s\n", s.title, s.intro)
		for _, d := range ofKind(docs, s.kind) {
			// An explicit anchor: names repeat across kinds (max, strlen).
			fmt.Fprintf(&b, "\n<a id=\"%s\"></a>\n### %s\n\n", anchor(string(s.kind)+"-"+d.Name), d.Name)
			fmt.Fprintf(&b, "`%s`", d.Signature)
			if aliases := otherNames(d); len(aliases) > 0 {
				fmt.Fprintf(&b, " (also `%s`)", strings.Join(aliases, "`, `"))
			}
			fmt.Fprintf(&b, "\n\n%s\n", sentence(d.Summary))
			if len(d.Notes) > 0 {
				fmt.Fprintf(&b, "\n%s\n", strings.Join(d.Notes, " "))
			}
			fmt.Fprintf(&b, "\n```\n%s\n```\n", exampleCommand(d))
		}
	}
	return b.Bytes()
}

// Text renders one entry the way `go doc` prints a declaration: the
// signature, then the text indented.
func Text(d Doc) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", heading(d))
	if aliases := otherNames(d); len(aliases) > 0 {
		fmt.Fprintf(&b, "    also: %s\n", strings.Join(aliases, ", "))
	}
	fmt.Fprintf(&b, "\n%s\n", indent(wrap(sentence(d.Summary), 72)))
	for _, n := range d.Notes {
		fmt.Fprintf(&b, "%s\n", indent(wrap(n, 72)))
	}
	fmt.Fprintf(&b, "\n    Example:\n\n%s\n", indent(indent(exampleCommand(d))))
	return b.String()
}

// Index lists the kinds and the names of each, for `sonde help`.
func Index(docs []Doc) string {
	var b strings.Builder
	for _, s := range sections {
		var names []string
		for _, d := range ofKind(docs, s.kind) {
			names = append(names, d.Name)
		}
		fmt.Fprintf(&b, "%s (%s):\n%s\n", s.title, s.kind, indent(wrap(strings.Join(names, " "), 72)))
	}
	b.WriteString("\nRun `sonde help NAME` for one of them.\n")
	return b.String()
}

// heading is the first line of Text: the signature, after the kind unless
// the signature names it already (config = {...}, sonde -f json).
func heading(d Doc) string {
	if strings.HasPrefix(d.Signature, string(d.Kind)+" ") || strings.HasPrefix(d.Signature, "sonde ") {
		return d.Signature
	}
	return string(d.Kind) + " " + d.Signature
}

func ofKind(docs []Doc, k Kind) []Doc {
	var out []Doc
	for _, d := range docs {
		if d.Kind == k {
			out = append(out, d)
		}
	}
	return out
}

// otherNames are the aliases a reader writes in scripts; environment
// variables are in the notes.
func otherNames(d Doc) []string {
	var out []string
	for _, a := range d.Aliases {
		if !strings.HasPrefix(a, "BPFTRACE_") {
			out = append(out, a)
		}
	}
	return out
}

// exampleCommand is how an example runs: formats show the flag.
func exampleCommand(d Doc) string {
	if d.Kind == Format {
		return fmt.Sprintf("sonde -f %s -e '%s'", d.Name, d.Example)
	}
	return d.Example
}

// sentence capitalizes a catalogue summary and ends it with a full stop.
func sentence(s string) string {
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") {
		s += "."
	}
	return s
}

func anchor(s string) string {
	s = strings.ToLower(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '-':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

func indent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "    " + l
		}
	}
	return strings.Join(lines, "\n")
}

// wrap breaks text into lines of at most width columns, at spaces.
func wrap(s string, width int) string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return strings.Join(append(lines, line), "\n")
}
