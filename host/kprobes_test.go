package host

import (
	"reflect"
	"testing"
)

func TestClosestFuncs(t *testing.T) {
	names := []string{"kmem_cache_alloc_noprof", "kmem_cache_alloc_node_noprof", "kmem_cache_free",
		"kmem_cache_alloc_bulk_noprof", "swap_read_folio", "swap_writepage", "swap_read_unplug",
		"vfs_read", "vfs_readv", "vfs_rename", "vfs_write", "do_sys_open"}
	for _, tt := range []struct {
		fn   string
		want []string
	}{
		{"kmem_cache_alloc", []string{"kmem_cache_alloc_noprof", "kmem_cache_free", "kmem_cache_alloc_bulk_noprof"}},
		{"swap_readpage", []string{"swap_read_folio", "swap_read_unplug", "swap_writepage"}},
		{"vfs_reed", []string{"vfs_read", "vfs_readv", "vfs_rename"}},
		{"zzz_nothing", nil},
	} {
		if got := closestFuncs(tt.fn, names, 3); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("closestFuncs(%s) = %v, want %v", tt.fn, got, tt.want)
		}
	}
}

func TestIsClone(t *testing.T) {
	for s, want := range map[string]bool{".isra.0": true, ".constprop.0": true, ".part.3": true,
		".constprop.0.isra.0": true, ".cold": false, ".isra": false, "": false} {
		if got := isClone(s); got != want {
			t.Errorf("isClone(%q) = %v", s, got)
		}
	}
}
