// Package helm_test renders the Helm chart with the real helm binary and
// checks every manifest twice, strictly (an unknown or misspelled field
// fails, as the API server would refuse it): with kubeconform v0.8.0 against
// JSON schemas generated offline from Kubernetes' own OpenAPI document
// (internal/kubeschema; the k8s.io/kubernetes module ships it), and by
// decoding into the k8s.io/api Go types, which the assertions then read.
// The server's own flag parser checks the container's args.
package helm_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/yaml"

	_ "github.com/cloudops-mcp/cloudops-mcp/app" // registers the OAuth and metrics settings
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/internal/kubeschema"
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

// kubeconformPath finds kubeconform like helm: CLOUDOPS_MCP_KUBECONFORM
// (set by .ci/run; then a missing binary fails), PATH, or the cache.
func kubeconformPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CLOUDOPS_MCP_KUBECONFORM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("CLOUDOPS_MCP_KUBECONFORM=%s: %v", p, err)
		}
		return p
	}
	if p, err := exec.LookPath("kubeconform"); err == nil {
		return p
	}
	if cache, err := os.UserCacheDir(); err == nil {
		p := filepath.Join(cache, "cloudops-mcp", "bin", "kubeconform-v0.8.0", "kubeconform")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skip("kubeconform not installed (.ci/run builds v0.8.0 into the cache)")
	return ""
}

// k8sVersion is the Kubernetes release whose OpenAPI document the schemas
// come from (the module k8s.io/kubernetes, fetched by .ci/run).
const k8sVersion = "v1.37.2"

// swaggerPath finds Kubernetes' api/openapi-spec/swagger.json:
// CLOUDOPS_MCP_K8S_OPENAPI (set by .ci/run; then it must exist), or the
// module cache.
func swaggerPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CLOUDOPS_MCP_K8S_OPENAPI"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("CLOUDOPS_MCP_K8S_OPENAPI=%s: %v", p, err)
		}
		return p
	}
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err == nil {
		p := filepath.Join(strings.TrimSpace(string(out)), "k8s.io", "kubernetes@"+k8sVersion, "api", "openapi-spec", "swagger.json")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skip("Kubernetes OpenAPI document not found (.ci/run: go mod download k8s.io/kubernetes@" + k8sVersion + ")")
	return ""
}

// schemas are generated once per test run.
var (
	schemasOnce sync.Once
	schemasDir  string
	schemasErr  error
)

func schemaLocation(t *testing.T) string {
	t.Helper()
	swagger := swaggerPath(t)
	schemasOnce.Do(func() {
		schemasDir, schemasErr = os.MkdirTemp("", "cloudops-mcp-kubeschema-")
		if schemasErr == nil {
			_, schemasErr = kubeschema.Generate(swagger, schemasDir)
		}
	})
	if schemasErr != nil {
		t.Fatalf("generating schemas: %v", schemasErr)
	}
	return kubeschema.Location(schemasDir)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if schemasDir != "" {
		_ = os.RemoveAll(schemasDir)
	}
	os.Exit(code)
}

// kubeconform validates a rendered manifest strictly, offline.
func kubeconform(t *testing.T, manifest string) error {
	t.Helper()
	bin, loc := kubeconformPath(t), schemaLocation(t)
	cmd := exec.Command(bin, "-strict", "-summary", "-output", "text", "-schema-location", loc, "-")
	cmd.Stdin = strings.NewReader(manifest)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("kubeconform: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Invalid: 0, Errors: 0, Skipped: 0") {
		return fmt.Errorf("kubeconform did not validate everything:\n%s", out)
	}
	return nil
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
	if err := kubeconform(t, manifest); err != nil {
		t.Error(err)
	}
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
	// Replicas reach each other by pod IP (replicas.go: --advertise-url).
	if !slices.Contains(c.Args, "--advertise-url=http://$(POD_IP):8080") || c.Env[0].Name != "POD_IP" || c.Env[0].ValueFrom.FieldRef.FieldPath != "status.podIP" {
		t.Errorf("no --advertise-url from the pod IP: %v %+v", c.Args, c.Env)
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

// The validation can fail: a misspelled field, a wrong type and a wrong
// apiVersion in an otherwise valid rendering are each refused by kubeconform.
func TestKubeconformRefusesBadManifests(t *testing.T) {
	m, err := render(t)
	if err != nil {
		t.Fatalf("helm template: %v\n%s", err, m)
	}
	if err := kubeconform(t, m); err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string]string{
		"misspelled field": strings.Replace(m, "readinessProbe:", "readinessProbes:", 1),
		"wrong type":       strings.Replace(m, "containerPort: 8080", `containerPort: "eighty"`, 1),
		"wrong apiVersion": strings.Replace(m, "apiVersion: apps/v1", "apiVersion: apps/v2", 1),
	} {
		if bad == m {
			t.Fatalf("%s: nothing replaced", name)
		}
		if err := kubeconform(t, bad); err == nil {
			t.Errorf("%s: kubeconform accepted it", name)
		}
	}
}
