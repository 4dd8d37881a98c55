package usym

import "testing"

func TestProcRootPrefix(t *testing.T) {
	for path, want := range map[string]string{
		"/proc/123/root/usr/bin/x": "/proc/123/root",
		"/proc/1/root":             "/proc/1/root",
		"/proc/self/root/bin/x":    "",
		"/proc//root/bin/x":        "",
		"/proc/12/rootfs/x":        "/proc/12/root", // as the regexp ^/proc/[0-9]+/root matched
		"/usr/bin/x":               "",
		"/proc/12":                 "",
	} {
		if got := procRootPrefix(path); got != want {
			t.Errorf("procRootPrefix(%q) = %q, want %q", path, got, want)
		}
	}
}
