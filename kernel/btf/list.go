package kbtf

import (
	"fmt"
	"io"

	"github.com/cilium/ebpf/btf"
)

// ListStruct prints the definition of a struct, union or enum ("struct
// task_struct") as bpftrace -lv does: C as libbpf's btf_dump writes it,
// anonymous members inline, explicit padding, and a blank line after.
func (k *Kernel) ListStruct(w io.Writer, name string) error {
	k.mu.Lock()
	bt, err := k.lookupType(name)
	k.mu.Unlock()
	if err != nil {
		return err
	}
	var d dumper
	switch x := bt.(type) {
	case *btf.Struct, *btf.Union:
		d.structDef(bt, 0)
	case *btf.Enum:
		d.enumDef(x, 0)
	default:
		return fmt.Errorf("%s is not a struct, union or enum", name)
	}
	d.WriteString(";\n\n")
	_, err = io.WriteString(w, d.String())
	return err
}

// ListFuncArgs prints a prototype's arguments as bpftrace -lv does, one per
// line with a 4-space indent ("    struct file * file"), then the return
// value ("    ssize_t retval") unless the function returns void.
func (k *Kernel) ListFuncArgs(w io.Writer, proto *FuncProto) error {
	for _, p := range proto.Params {
		if _, err := fmt.Fprintf(w, "    %s %s\n", p.CType, p.Name); err != nil {
			return err
		}
	}
	if proto.ReturnCType != "void" {
		_, err := fmt.Fprintf(w, "    %s retval\n", proto.ReturnCType)
		return err
	}
	return nil
}
