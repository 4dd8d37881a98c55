package host_test

import (
	"reflect"
	"testing"

	"sonde/host"
	"sonde/plan"
)

// NewEnv builds the whole print environment in one place: every resolver
// of output.Env is set, the stack reader included, so nothing patches it
// later (the runtime once filled StackFrames in after loading).
func TestNewEnvComplete(t *testing.T) {
	spec := &plan.Spec{Plan: &plan.Plan{StackMaps: []string{"stack_127"}, Probes: []plan.Probe{{Name: "BEGIN"}}}}
	frames := func(string, uint64) ([]uint64, error) { return []uint64{1}, nil }
	env := host.NewEnv(spec, frames)
	v := reflect.ValueOf(env).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.Func, reflect.Interface:
			if f.IsNil() {
				t.Errorf("NewEnv leaves output.Env.%s unset", v.Type().Field(i).Name)
			}
		}
	}
	if got, _ := env.StackFrames("stack_127", 7); !reflect.DeepEqual(got, []uint64{1}) {
		t.Errorf("StackFrames is not the reader given: %v", got)
	}
	if got := env.ProbeName(0); got != "BEGIN" {
		t.Errorf("ProbeName(0) = %q", got)
	}
	if env.BootTime.IsZero() {
		t.Error("BootTime unset")
	}
}
