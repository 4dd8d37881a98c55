// Package deploy validates the Kubernetes manifests without a cluster:
// each document is decoded strictly (unknown or duplicate fields fail)
// into the Kubernetes API types, then checked for what sonde needs. It is
// a module of its own so the sonde binary does not link the Kubernetes
// types.
package deploy

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

const dir = "kubernetes"

// decodeStrict decodes one YAML document into out as the API server
// does in strict mode: field names case-sensitive, unknown and duplicate
// fields rejected.
func decodeStrict(t *testing.T, file string, out any) {
	t.Helper()
	decodeStrictFile(t, filepath.Join(dir, file), out)
}

func decodeStrictFile(t *testing.T, path string, out any) {
	t.Helper()
	file := path
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("\n---")) {
		t.Fatalf("%s: one document per file", file)
	}
	if err := unmarshalStrict(b, out); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

func unmarshalStrict(b []byte, out any) error {
	j, err := yaml.YAMLToJSONStrict(b)
	if err != nil {
		return err
	}
	strict, err := kjson.UnmarshalStrict(j, out, kjson.DisallowDuplicateFields, kjson.DisallowUnknownFields)
	if err != nil {
		return err
	}
	return errors.Join(strict...)
}

// manifests are every manifest file and the type it must decode into.
func manifests() map[string]any {
	return map[string]any{
		"00-namespace.yaml":        &corev1.Namespace{},
		"configmap.yaml":           &corev1.ConfigMap{},
		"daemonset.yaml":           &appsv1.DaemonSet{},
		"operator/podmonitor.yaml": &monitoringv1.PodMonitor{},
	}
}

// Every YAML file under kubernetes/ is a manifest this test decodes
// (kubectl apply -f kubernetes/ applies them all; operator/ needs the
// Prometheus operator's CRDs).
func TestEveryFileIsChecked(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	more, _ := filepath.Glob(filepath.Join(dir, "*", "*.yaml"))
	known := manifests()
	for _, f := range append(files, more...) {
		rel, _ := filepath.Rel(dir, f)
		if _, ok := known[rel]; !ok {
			t.Errorf("%s is not validated by this test", rel)
		}
	}
}

func TestManifestsDecodeStrictly(t *testing.T) {
	kinds := map[string]string{
		"00-namespace.yaml": "v1/Namespace", "configmap.yaml": "v1/ConfigMap",
		"daemonset.yaml": "apps/v1/DaemonSet", "operator/podmonitor.yaml": "monitoring.coreos.com/v1/PodMonitor",
	}
	for file, obj := range manifests() {
		decodeStrict(t, file, obj)
		var tm metav1.TypeMeta
		b, _ := os.ReadFile(filepath.Join(dir, file))
		if err := yaml.Unmarshal(b, &tm); err != nil {
			t.Fatal(err)
		}
		if got := tm.APIVersion + "/" + tm.Kind; got != kinds[file] {
			t.Errorf("%s is %s, want %s", file, got, kinds[file])
		}
	}
}

// A misspelt field fails: the decoding is strict.
func TestStrictDecodingRejectsUnknownFields(t *testing.T) {
	var ds appsv1.DaemonSet
	err := unmarshalStrict([]byte("apiVersion: apps/v1\nkind: DaemonSet\nspec:\n  template:\n    spec:\n      hostPid: true\n"), &ds)
	if err == nil || !strings.Contains(err.Error(), "hostPid") {
		t.Errorf("unknown field hostPid: err = %v", err)
	}
}

func TestDaemonSet(t *testing.T) {
	var ds appsv1.DaemonSet
	decodeStrict(t, "daemonset.yaml", &ds)
	if ds.APIVersion != "apps/v1" || ds.Kind != "DaemonSet" {
		t.Errorf("apiVersion/kind %s/%s", ds.APIVersion, ds.Kind)
	}
	pod := ds.Spec.Template
	sel, err := metav1.LabelSelectorAsSelector(ds.Spec.Selector)
	if err != nil || !sel.Matches(labels.Set(pod.Labels)) {
		t.Errorf("selector %v does not match the pod labels %v", ds.Spec.Selector, pod.Labels)
	}
	if !pod.Spec.HostPID {
		t.Error("hostPID must be set: pids and stacks are the node's")
	}
	if len(pod.Spec.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(pod.Spec.Containers))
	}
	c := pod.Spec.Containers[0]
	sc := c.SecurityContext
	if sc == nil || sc.Capabilities == nil {
		t.Fatal("no securityContext capabilities")
	}
	if sc.Privileged != nil && *sc.Privileged {
		t.Error("privileged: the capabilities are enough on kernels with CAP_BPF")
	}
	for _, cap := range []corev1.Capability{"BPF", "PERFMON"} {
		if !slices.Contains(sc.Capabilities.Add, cap) {
			t.Errorf("capability %s missing", cap)
		}
	}
	if slices.Contains(sc.Capabilities.Add, "SYS_ADMIN") {
		t.Error("SYS_ADMIN is what privileged would give; CAP_BPF and CAP_PERFMON replace it")
	}
	// The three host paths, mounted read-only where they are on the host.
	mounts := map[string]corev1.VolumeMount{}
	for _, m := range c.VolumeMounts {
		mounts[m.Name] = m
	}
	host := map[string]string{}
	vols := map[string]corev1.Volume{}
	for _, v := range pod.Spec.Volumes {
		vols[v.Name] = v
		if v.HostPath != nil {
			host[v.HostPath.Path] = v.Name
		}
	}
	for _, p := range []string{"/sys/kernel/btf", "/sys/kernel/tracing", "/sys/fs/cgroup"} {
		name, ok := host[p]
		if !ok {
			t.Errorf("no hostPath volume for %s", p)
			continue
		}
		if m := mounts[name]; m.MountPath != p || !m.ReadOnly {
			t.Errorf("%s mounted at %q readOnly=%v, want at %s read-only", p, m.MountPath, m.ReadOnly, p)
		}
	}
	// The script: --metrics on the metrics port, the file from the ConfigMap.
	args := c.Args
	i := slices.Index(args, "--metrics")
	if i < 0 || i+1 >= len(args) {
		t.Fatalf("args %v lack --metrics ADDR", args)
	}
	port := args[i+1][strings.LastIndex(args[i+1], ":")+1:]
	if len(c.Ports) != 1 || c.Ports[0].Name != "metrics" || itoa(c.Ports[0].ContainerPort) != port {
		t.Errorf("container ports %v, want one named metrics on %s", c.Ports, port)
	}
	if pod.Annotations["prometheus.io/port"] != port || pod.Annotations["prometheus.io/scrape"] != "true" {
		t.Errorf("scrape annotations %v, want port %s", pod.Annotations, port)
	}
	script := args[len(args)-1]
	var cm corev1.ConfigMap
	decodeStrict(t, "configmap.yaml", &cm)
	m, ok := mounts["scripts"]
	if v := vols["scripts"]; !ok || v.ConfigMap == nil || v.ConfigMap.Name != cm.Name || cm.Namespace != ds.Namespace {
		t.Fatalf("the scripts volume must be ConfigMap %s/%s", ds.Namespace, cm.Name)
	}
	rel, err := filepath.Rel(m.MountPath, script)
	if err != nil || cm.Data[rel] == "" {
		t.Errorf("script %s is not a key of ConfigMap %s (mounted at %s)", script, cm.Name, m.MountPath)
	}
}

// The ConfigMap's scripts are the files in scripts/, which the sonde
// module's tests compile.
func TestConfigMapMatchesScripts(t *testing.T) {
	var cm corev1.ConfigMap
	decodeStrict(t, "configmap.yaml", &cm)
	files, _ := filepath.Glob(filepath.Join(dir, "scripts", "*.sd"))
	if len(files) != len(cm.Data) {
		t.Errorf("%d scripts, %d ConfigMap keys", len(files), len(cm.Data))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := cm.Data[filepath.Base(f)]; got != string(b) {
			t.Errorf("ConfigMap key %s differs from %s", filepath.Base(f), f)
		}
	}
}

func TestPodMonitor(t *testing.T) {
	var pm monitoringv1.PodMonitor
	decodeStrict(t, "operator/podmonitor.yaml", &pm)
	var ds appsv1.DaemonSet
	decodeStrict(t, "daemonset.yaml", &ds)
	sel, err := metav1.LabelSelectorAsSelector(&pm.Spec.Selector)
	if err != nil || !sel.Matches(labels.Set(ds.Spec.Template.Labels)) {
		t.Errorf("PodMonitor selector %v does not select the DaemonSet's pods %v", pm.Spec.Selector, ds.Spec.Template.Labels)
	}
	if pm.Namespace != ds.Namespace {
		t.Errorf("PodMonitor in %s, DaemonSet in %s", pm.Namespace, ds.Namespace)
	}
	if len(pm.Spec.PodMetricsEndpoints) != 1 {
		t.Fatalf("%d endpoints", len(pm.Spec.PodMetricsEndpoints))
	}
	ep := pm.Spec.PodMetricsEndpoints[0]
	if ep.Port == nil || *ep.Port != ds.Spec.Template.Spec.Containers[0].Ports[0].Name || ep.Path != "/metrics" {
		t.Errorf("endpoint port %v path %q, want the container's metrics port and /metrics", ep.Port, ep.Path)
	}
}

// The scrape job for Prometheus without the operator decodes strictly into
// the scrape_configs schema this test knows (job, discovery, relabelling).
func TestScrapeConfig(t *testing.T) {
	type relabel struct {
		SourceLabels []string `json:"source_labels,omitempty"`
		Action       string   `json:"action,omitempty"`
		Regex        string   `json:"regex,omitempty"`
		Replacement  string   `json:"replacement,omitempty"`
		TargetLabel  string   `json:"target_label,omitempty"`
	}
	var cfg struct {
		ScrapeConfigs []struct {
			JobName             string `json:"job_name"`
			KubernetesSDConfigs []struct {
				Role       string `json:"role"`
				Namespaces struct {
					Names []string `json:"names"`
				} `json:"namespaces"`
			} `json:"kubernetes_sd_configs"`
			RelabelConfigs []relabel `json:"relabel_configs"`
		} `json:"scrape_configs"`
	}
	decodeStrictFile(t, "prometheus/scrape.yaml", &cfg)
	if len(cfg.ScrapeConfigs) != 1 || cfg.ScrapeConfigs[0].KubernetesSDConfigs[0].Role != "pod" {
		t.Fatalf("scrape configs %+v", cfg.ScrapeConfigs)
	}
	var ns corev1.Namespace
	decodeStrict(t, "00-namespace.yaml", &ns)
	if names := cfg.ScrapeConfigs[0].KubernetesSDConfigs[0].Namespaces.Names; !slices.Contains(names, ns.Name) {
		t.Errorf("scrape job looks in %v, the pods are in %s", names, ns.Name)
	}
}

func itoa(n int32) string { return strconv.Itoa(int(n)) }
