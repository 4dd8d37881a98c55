package main

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// cpioWriter writes an uncompressed "newc" cpio archive, the format the
// kernel unpacks as an initramfs. It needs no root, mknod or cpio tool.
// Uncompressed on purpose: decompressing is slow under TCG, and the archive
// is only some megabytes.
type cpioWriter struct {
	w    *bufio.Writer
	ino  uint32
	off  int64
	dirs map[string]bool
}

func newCpioWriter(w io.Writer) *cpioWriter {
	return &cpioWriter{w: bufio.NewWriterSize(w, 1<<20), dirs: map[string]bool{}}
}

func (cw *cpioWriter) write(b []byte) error {
	n, err := cw.w.Write(b)
	cw.off += int64(n)
	return err
}

func (cw *cpioWriter) pad() error {
	if r := cw.off % 4; r != 0 {
		return cw.write(make([]byte, 4-r))
	}
	return nil
}

const (
	modeDir  = 0o040000
	modeChr  = 0o020000
	modeFile = 0o100000
)

// header writes one entry header and its name; size bytes of data follow.
func (cw *cpioWriter) header(name string, mode uint32, size int64, rdevMajor, rdevMinor uint32) error {
	cw.ino++
	nlink := 1
	if mode&0o170000 == modeDir {
		nlink = 2
	}
	hdr := fmt.Sprintf("070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
		cw.ino, mode, 0, 0, nlink, 0, size, 0, 0, rdevMajor, rdevMinor, len(name)+1, 0)
	if err := cw.write([]byte(hdr)); err != nil {
		return err
	}
	if err := cw.write([]byte(name + "\x00")); err != nil {
		return err
	}
	return cw.pad()
}

// mkdir adds dir and its missing parents.
func (cw *cpioWriter) mkdir(dir string) error {
	dir = strings.Trim(path.Clean("/"+dir), "/")
	if dir == "" || cw.dirs[dir] {
		return nil
	}
	if err := cw.mkdir(path.Dir(dir)); err != nil {
		return err
	}
	cw.dirs[dir] = true
	return cw.header(dir, modeDir|0o755, 0, 0, 0)
}

func (cw *cpioWriter) charDev(name string, perm, major, minor uint32) error {
	name = strings.TrimPrefix(name, "/")
	if err := cw.mkdir(path.Dir(name)); err != nil {
		return err
	}
	return cw.header(name, modeChr|perm, 0, major, minor)
}

// file adds the host file src as dst, keeping its permission bits.
func (cw *cpioWriter) file(dst, src string) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	dst = strings.TrimPrefix(path.Clean("/"+dst), "/")
	if err := cw.mkdir(path.Dir(dst)); err != nil {
		return err
	}
	if err := cw.header(dst, modeFile|uint32(st.Mode().Perm()), st.Size(), 0, 0); err != nil {
		return err
	}
	n, err := io.Copy(cw.w, f)
	cw.off += n
	if err != nil {
		return err
	}
	if n != st.Size() {
		return fmt.Errorf("%s changed size while archiving", src)
	}
	return cw.pad()
}

// tree adds the regular files and directories under the host directory src
// below dst (symlinks are followed only at the top).
func (cw *cpioWriter) tree(dst, src string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := path.Join(dst, filepath.ToSlash(rel))
		switch {
		case d.IsDir():
			return cw.mkdir(target)
		case d.Type().IsRegular():
			return cw.file(target, p)
		}
		return nil // skip symlinks, sockets, ...
	})
}

func (cw *cpioWriter) close() error {
	if err := cw.header("TRAILER!!!", 0, 0, 0, 0); err != nil {
		return err
	}
	return cw.w.Flush()
}

// writeInitramfs writes the VM's root filesystem: /init (vminit),
// /dev/console (char 5:1: the kernel opens it as PID 1's stdin, stdout and
// stderr; without it the Go runtime aborts at start-up), empty mount points,
// /pkg (the payload's working directory),
// and files maps archive paths to host files or directories.
func writeInitramfs(out, initBin string, files map[string]string) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	cw := newCpioWriter(f)
	for _, d := range []string{"dev", "proc", "sys", "tmp", "run", "pkg"} {
		if err := cw.mkdir(d); err != nil {
			return err
		}
	}
	if err := cw.charDev("dev/console", 0o600, 5, 1); err != nil {
		return err
	}
	if err := cw.file("init", initBin); err != nil {
		return err
	}
	for dst, src := range files {
		st, err := os.Stat(src)
		if err != nil {
			return err
		}
		if st.IsDir() {
			err = cw.tree(dst, src)
		} else {
			err = cw.file(dst, src)
		}
		if err != nil {
			return err
		}
	}
	if err := cw.close(); err != nil {
		return err
	}
	return f.Close()
}
