package host

import (
	"errors"
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
	ids := map[string]int{"sched:sched_switch": 300, "mod:ev": 400}
	id := func(group, event string) (int, error) {
		if id, ok := ids[group+":"+event]; ok {
			return id, nil
		}
		return 0, errors.New("no such event")
	}
	c := &formatCache{id: id}
	c.put("syscalls", "sys_enter_close", fields)
	c.put("sched", "sched_switch", fields)
	c.put("mod", "ev", fields)
	c.put("gone", "ev", fields) // no id: not cached
	c.save()

	ids["mod:ev"] = 401 // the module was reloaded
	again := &formatCache{id: id}
	for _, tt := range []struct {
		group, event string
		want         bool
	}{
		{"syscalls", "sys_enter_close", true},
		{"sched", "sched_switch", true},
		{"mod", "ev", false},
		{"gone", "ev", false},
		{"syscalls", "sys_enter_read", false},
	} {
		got, ok := again.get(tt.group, tt.event)
		if ok != tt.want || ok && !reflect.DeepEqual(got, fields) {
			t.Errorf("get(%s:%s) = %+v, %v; want found=%v", tt.group, tt.event, got, ok, tt.want)
		}
	}
	t.Setenv("SONDE_CACHE_DIR", "off")
	off := &formatCache{id: id}
	off.put("syscalls", "sys_enter_close", fields)
	off.save() // must not fail without a directory
}
