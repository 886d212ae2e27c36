package kubeschema

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A tiny swagger document in the shape of Kubernetes': the generator writes
// one file per kind, named as kubeconform looks it up, with the definitions
// it reaches, strict objects and nullable optional fields.
func TestGenerate(t *testing.T) {
	dir := t.TempDir()
	swagger := filepath.Join(dir, "swagger.json")
	doc := `{"definitions":{
 "io.k8s.api.apps.v1.Deployment":{"type":"object","required":["spec"],"properties":{"apiVersion":{"type":"string"},"kind":{"type":"string"},
   "spec":{"$ref":"#/definitions/io.k8s.api.apps.v1.DeploymentSpec"}},
   "x-kubernetes-group-version-kind":[{"group":"apps","kind":"Deployment","version":"v1"}]},
 "io.k8s.api.apps.v1.DeploymentSpec":{"type":"object","properties":{"replicas":{"type":"integer"},"port":{"type":"string","format":"int-or-string"},
   "self":{"$ref":"#/definitions/io.k8s.api.apps.v1.DeploymentSpec"}}},
 "io.k8s.api.core.v1.Service":{"type":"object","properties":{"x":{"type":"string"}},
   "x-kubernetes-group-version-kind":[{"group":"","kind":"Service","version":"v1"}]},
 "io.k8s.api.unrelated.Thing":{"type":"object"}}}`
	if err := os.WriteFile(swagger, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "schemas")
	files, err := Generate(swagger, out)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(files, ",") != "deployment-apps-v1.json,service-v1.json" {
		t.Fatalf("files %v", files)
	}
	raw, _ := os.ReadFile(filepath.Join(out, "deployment-apps-v1.json"))
	var s struct {
		Definitions map[string]map[string]any `json:"definitions"`
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	if len(s.Definitions) != 2 || s.Definitions["io.k8s.api.unrelated.Thing"] != nil {
		t.Fatalf("definitions %v", s.Definitions)
	}
	spec := s.Definitions["io.k8s.api.apps.v1.DeploymentSpec"]
	if spec["additionalProperties"] != false {
		t.Fatal("an object with properties is not strict")
	}
	got, _ := json.Marshal(spec["properties"])
	for _, want := range []string{`"replicas":{"type":["integer","null"]}`, `"port":{"oneOf":[{"type":"string"},{"type":"integer"}]}`} {
		if !strings.Contains(string(got), want) {
			t.Errorf("spec properties %s lack %s", got, want)
		}
	}
}
