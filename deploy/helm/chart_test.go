// Package helm_test renders the Helm chart with the real helm binary and
// checks every manifest against the Kubernetes API types, strictly: an
// unknown or misspelled field fails, as the API server would refuse it.
// (kubeconform needs JSON schemas fetched from the network; the typed decode
// needs none.) The server's own flag parser checks the container's args.
package helm_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/yaml"

	_ "github.com/cloudops-mcp/cloudops-mcp/app" // registers the OAuth and metrics settings
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
)

// helmPath finds helm: CLOUDOPS_MCP_HELM (.ci/run sets it to its cached
// build, and then a missing binary fails), PATH, or that cache.
func helmPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CLOUDOPS_MCP_HELM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("CLOUDOPS_MCP_HELM=%s: %v", p, err)
		}
		return p
	}
	if p, err := exec.LookPath("helm"); err == nil {
		return p
	}
	cache, err := os.UserCacheDir()
	if err == nil {
		p := filepath.Join(cache, "cloudops-mcp", "bin", "helm-v3.22.0", "helm")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skip("helm not installed (.ci/run builds helm v3.22.0 into the cache)")
	return ""
}

func render(t *testing.T, sets ...string) (string, error) {
	t.Helper()
	args := []string{"template", "team", "./cloudops-mcp"}
	for _, s := range sets {
		args = append(args, "--set", s)
	}
	cmd := exec.Command(helmPath(t), args...)
	cmd.Env = append(os.Environ(), "HELM_CACHE_HOME="+t.TempDir(), "HELM_CONFIG_HOME="+t.TempDir(), "HELM_DATA_HOME="+t.TempDir())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return stderr.String(), err
	}
	return string(out), nil
}

// objects decodes each rendered document into its API type, refusing unknown fields.
func objects(t *testing.T, manifest string) map[string]any {
	t.Helper()
	types := map[string]func() any{
		"apps/v1/Deployment":                     func() any { return &appsv1.Deployment{} },
		"v1/Service":                             func() any { return &corev1.Service{} },
		"v1/Secret":                              func() any { return &corev1.Secret{} },
		"networking.k8s.io/v1/Ingress":           func() any { return &networkingv1.Ingress{} },
		"autoscaling/v2/HorizontalPodAutoscaler": func() any { return &autoscalingv2.HorizontalPodAutoscaler{} },
		"policy/v1/PodDisruptionBudget":          func() any { return &policyv1.PodDisruptionBudget{} },
	}
	out := map[string]any{}
	for _, doc := range strings.Split(manifest, "\n---") {
		if strings.TrimSpace(strings.TrimPrefix(doc, "---")) == "" {
			continue
		}
		raw, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			t.Fatalf("not YAML: %v\n%s", err, doc)
		}
		if string(raw) == "null" {
			continue // a comment-only document
		}
		var head struct{ APIVersion, Kind string }
		_ = json.Unmarshal(raw, &head)
		mk, ok := types[head.APIVersion+"/"+head.Kind]
		if !ok {
			t.Fatalf("unexpected kind %s/%s", head.APIVersion, head.Kind)
		}
		obj := mk()
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(obj); err != nil {
			t.Errorf("%s: %v\n%s", head.Kind, err, doc)
		}
		out[head.Kind] = obj
	}
	return out
}

func kinds(objs map[string]any) []string {
	var k []string
	for n := range objs {
		k = append(k, n)
	}
	slices.Sort(k)
	return k
}

func TestChartDefaults(t *testing.T) {
	m, err := render(t)
	if err != nil {
		t.Fatalf("helm template: %v\n%s", err, m)
	}
	objs := objects(t, m)
	if got := kinds(objs); !slices.Equal(got, []string{"Deployment", "PodDisruptionBudget", "Secret", "Service"}) {
		t.Errorf("kinds %v", got)
	}
	d := objs["Deployment"].(*appsv1.Deployment)
	pod := d.Spec.Template.Spec
	c := pod.Containers[0]
	if c.LivenessProbe.HTTPGet.Path != "/healthz" || c.ReadinessProbe.HTTPGet.Path != "/readyz" {
		t.Errorf("probes: %s, %s", c.LivenessProbe.HTTPGet.Path, c.ReadinessProbe.HTTPGet.Path)
	}
	if sc := pod.SecurityContext; sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot || *sc.RunAsUser == 0 {
		t.Error("the pod may run as root")
	}
	if sc := c.SecurityContext; !*sc.ReadOnlyRootFilesystem || *sc.AllowPrivilegeEscalation || !slices.Contains(sc.Capabilities.Drop, "ALL") {
		t.Errorf("container security context: %+v", sc)
	}
	if c.Resources.Limits.Memory().IsZero() || c.Resources.Requests.Memory().IsZero() {
		t.Error("no memory request or limit")
	}
	if *pod.TerminationGracePeriodSeconds <= 30 {
		t.Errorf("grace period %d s does not cover drain delay + shutdown bound", *pod.TerminationGracePeriodSeconds)
	}
	if !slices.Contains(c.Args, "--stateless") {
		t.Errorf("default mode is stateless: %v", c.Args)
	}
	for _, e := range c.Env {
		if e.Value != "" && strings.Contains(strings.ToLower(e.Name), "key") {
			t.Errorf("a key in plain env: %s", e.Name)
		}
	}
	parseArgs(t, c.Args)
}

func TestChartEverythingOn(t *testing.T) {
	m, err := render(t, "mode=stateful", "replicaCount=3", "ingress.enabled=true", "autoscaling.enabled=true",
		"metrics.enabled=true", "oauth.issuer=https://id.example.com", "oauth.resource=https://mcp.example.com/mcp",
		"oauth.rateLimit=600", "secrets.tencentSecretKey=planted-key")
	if err != nil {
		t.Fatalf("helm template: %v\n%s", err, m)
	}
	objs := objects(t, m)
	if got := kinds(objs); !slices.Equal(got, []string{"Deployment", "HorizontalPodAutoscaler", "Ingress", "PodDisruptionBudget", "Secret", "Service"}) {
		t.Errorf("kinds %v", got)
	}
	d := objs["Deployment"].(*appsv1.Deployment)
	if d.Spec.Replicas != nil {
		t.Error("with the HPA on, the Deployment must not pin replicas")
	}
	c := d.Spec.Template.Spec.Containers[0]
	if slices.Contains(c.Args, "--stateless") || !slices.Contains(c.Args, "--oauth-issuer=https://id.example.com") {
		t.Errorf("args: %v", c.Args)
	}
	if strings.Contains(strings.Join(c.Args, " "), "planted-key") {
		t.Error("a secret is in the args")
	}
	if objs["Secret"].(*corev1.Secret).StringData["tencent-secret-key"] != "planted-key" {
		t.Error("the key is not in the Secret")
	}
	parseArgs(t, c.Args)
}

// Stateful replicas without an affinity-capable ingress are refused at render time.
func TestChartRefusesStatefulReplicasWithoutAffinity(t *testing.T) {
	out, err := render(t, "mode=stateful", "replicaCount=3")
	if err == nil || !strings.Contains(out, "needs session affinity on Mcp-Session-Id") {
		t.Fatalf("want a refusal, got %v\n%s", err, out)
	}
}

// parseArgs runs the container's args through the server's own flag parser.
func parseArgs(t *testing.T, args []string) {
	t.Helper()
	if _, err := config.Parse(args, func(string) string { return "" }, &bytes.Buffer{}); err != nil {
		t.Errorf("the server refuses the chart's args: %v\n%v", err, args)
	}
}
