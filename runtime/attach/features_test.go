package attach

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/cilium/ebpf"

	"sonde/provider"
)

func TestSupported(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("feature probes load programs: needs root")
	}
	for _, provider := range infoRows() {
		err := Supported(provider)
		t.Logf("%-14s %v", provider, err)
		if err == nil {
			continue
		}
		var nse *NotSupportedError
		if !errors.As(err, &nse) || !errors.Is(err, ebpf.ErrNotSupported) {
			t.Errorf("%s: %v is not a NotSupportedError", provider, err)
		}
		if !strings.HasPrefix(err.Error(), provider+": ") {
			t.Errorf("%s: %q does not start with the provider", provider, err)
		}
		if again := Supported(provider); again != err {
			t.Errorf("%s: second call gave a different result", provider)
		}
	}
	// What the development kernel is known to have.
	for _, p := range []string{"tracepoint", "uprobe", "profile", "begin"} {
		if err := Supported(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	if err := Supported("nope"); err == nil || errors.Is(err, ebpf.ErrNotSupported) {
		t.Errorf("Supported(nope) = %v, want an unknown-probe error", err)
	}
}

// On kernels without CONFIG_KPROBES the reason names the config option.
func TestSupportedKprobeReason(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	if _, err := os.Stat("/sys/bus/event_source/devices/kprobe"); err == nil {
		t.Skip("this kernel has kprobes")
	}
	err := Supported("kprobe")
	if err == nil || err.Error() != "kprobe: this kernel has no kprobes (CONFIG_KPROBES is off)" {
		t.Errorf("Supported(kprobe) = %v", err)
	}
}

func TestInfo(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("feature probes load programs: needs root")
	}
	var b bytes.Buffer
	Info(&b)
	out := b.String()
	t.Log("\n" + out)
	for _, want := range []string{"System\n", "Kernel helpers\n", "Map types\n", "  ringbuf: yes\n", "Probe types\n", "  tracepoint: yes\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("Info lacks %q", want)
		}
	}
}

// Every provider sonde runs has a mechanism that checks the kernel and, for
// those the kernel fires, attaches; Info lists each once.
func TestMechanismsComplete(t *testing.T) {
	rows := map[string]int{}
	for _, r := range infoRows() {
		rows[r]++
	}
	for _, d := range provider.All() {
		m, ok := mechanisms[d.Mech]
		switch {
		case !d.Runs():
			if rows[d.Name] != 0 || featureCheck(d.Name) != nil {
				t.Errorf("%s: sonde does not run it, yet it has a feature check", d.Name)
			}
			continue
		case !ok || m.check == nil:
			t.Errorf("%s: mechanism %v has no feature check", d.Name, d.Mech)
		case (m.attach == nil) != d.Special():
			t.Errorf("%s: mechanism %v attaches (%v), but sonde runs it itself (%v)", d.Name, d.Mech, m.attach != nil, d.Special())
		}
		if rows[d.Name] != 1 {
			t.Errorf("%s: %d rows in Info", d.Name, rows[d.Name])
		}
	}
	for _, f := range []string{provider.FeatureKprobeMulti, provider.FeatureKprobeSession} {
		if rows[f] != 1 || featureCheck(f) == nil {
			t.Errorf("Info lists %s %d times (a check: %v)", f, rows[f], featureCheck(f) != nil)
		}
	}
}
