package ast

import "reflect"

// Clone returns a deep copy of n. When replace is not nil it is offered
// every node first: a non-nil result takes the node's place and is not
// copied further. Positions are kept, so diagnostics on a copy point at
// the original source.
func Clone[T Node](n T, replace func(Node) Node) T {
	v := cloneValue(reflect.ValueOf(n), replace)
	if !v.IsValid() {
		var zero T
		return zero
	}
	return v.Interface().(T)
}

var nodeType = reflect.TypeFor[Node]()

func cloneValue(v reflect.Value, replace func(Node) Node) reflect.Value {
	switch v.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		c := cloneValue(v.Elem(), replace)
		out := reflect.New(v.Type()).Elem()
		out.Set(c)
		return out
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		if replace != nil && v.Type().Implements(nodeType) {
			if r := replace(v.Interface().(Node)); r != nil {
				return reflect.ValueOf(r)
			}
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(cloneValue(v.Elem(), replace))
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(cloneValue(v.Index(i), replace))
		}
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		for i := range v.NumField() {
			if out.Field(i).CanSet() {
				out.Field(i).Set(cloneValue(v.Field(i), replace))
			}
		}
		return out
	}
	return v
}
