package host

import (
	"fmt"
	"strings"

	"golang.org/x/sys/unix"

	"sonde/compiler"
	"sonde/headers"
	"sonde/lang/ast"
)

// HeaderOptions are the CLI's say in where headers come from.
type HeaderOptions struct {
	Include  []string // headers included as if by #include <H> (--include)
	Dirs     []string // searched first (-I)
	NoStdinc bool     // search only Dirs: no kernel or system headers
}

// Headers gives the compiler the constants of prog's #include lines: read
// from the machine's headers, searched in o.Dirs then in the kernel's build
// headers and /usr/include, and else from sonde's built-in table. Nothing
// is read until the script uses a name no builtin defines.
func Headers(prog *ast.Program, o HeaderOptions) compiler.Headers {
	var names []string
	for _, inc := range prog.Includes {
		names = append(names, inc.Name)
	}
	names = append(names, o.Include...)
	path, kernel := headers.SearchPath(kernelRelease(), o.Dirs, o.NoStdinc)
	return headerConstants{headers.New(names, headers.Config{Dirs: path, Kernel: kernel})}
}

type headerConstants struct{ set *headers.Set }

func (h headerConstants) Constant(name string) (int64, bool, bool) {
	c, ok := h.set.Lookup(name)
	return c.Value, c.Unsigned, ok
}

func (h headerConstants) Unknown(name string) (detail, hint string) {
	defs := headers.Defines(name)
	if len(defs) > 0 {
		hint = fmt.Sprintf("%s is defined in <%s>; add #include <%s>", name, defs[0], defs[0])
	}
	if len(h.set.Includes()) == 0 {
		return "", hint
	}
	return h.set.Explain(name), hint
}

func kernelRelease() string {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return ""
	}
	return strings.TrimRight(string(u.Release[:]), "\x00")
}
