package host

import (
	"reflect"
	"testing"

	"sonde/compiler"
	"sonde/types"
)

func TestFormatCache(t *testing.T) {
	t.Setenv("SONDE_CACHE_DIR", t.TempDir())
	fields := []compiler.TracepointField{
		{Name: "__syscall_nr", Offset: 8, Size: 4, Type: types.Int32},
		{Name: "fd", Offset: 16, Size: 8, Type: types.Uint64, CType: "unsigned int"},
	}
	c := &formatCache{}
	c.put("syscalls", "sys_enter_close", fields)
	c.put("sched", "sched_switch", fields) // a group that is not cached
	c.save()

	again := &formatCache{}
	got, ok := again.get("syscalls", "sys_enter_close")
	if !ok || !reflect.DeepEqual(got, fields) {
		t.Errorf("cached fields = %+v, %v; want %+v", got, ok, fields)
	}
	if _, ok := again.get("sched", "sched_switch"); ok {
		t.Error("a module-capable group was cached")
	}
	if _, ok := again.get("syscalls", "sys_enter_read"); ok {
		t.Error("an event never put is in the cache")
	}
	t.Setenv("SONDE_CACHE_DIR", "off")
	off := &formatCache{}
	off.put("syscalls", "sys_enter_close", fields)
	off.save() // must not fail without a directory
}
