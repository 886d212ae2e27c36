package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/cloudops-mcp/cloudops-mcp/internal/lazyre"
)

// The data-model list of the HTTP API: GET /v1/model/datasource/<prod|pre>/schemaList
// (same bearer token as the records API), optionally narrowed by
// dataSourceNameList. Each model's Schema is a JSON string describing its
// fields, system fields included, as the real API answers it.

const modelsPrefix = "/v1/model/datasource/"

var schemaListRE = lazyre.New(`^(prod|pre)/schemaList$`)

// dataSourceInfo is one entry of data.DataSourceRelationInfoList.
type dataSourceInfo struct {
	Id               string  `json:"Id"`
	Name             string  `json:"Name"`
	Title            string  `json:"Title"`
	Schema           string  `json:"Schema"`
	RelatedFieldKey  *string `json:"RelatedFieldKey"`
	RelatedType      *string `json:"RelatedType"`
	RelationViewList []any   `json:"RelationViewList"`
}

func (s *Server) serveSchemaList(w http.ResponseWriter, r *http.Request) {
	reqID := newRequestID()
	w.Header().Set("X-Request-Id", reqID)
	out, e := s.schemaList(r)
	if e != nil {
		writeHTTPAPIError(w, reqID, e)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"DataSourceRelationInfoList": out}, "requestId": reqID})
}

func (s *Server) schemaList(r *http.Request) ([]dataSourceInfo, *httpAPIError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	env, e := s.authorizeHTTP(r)
	if e != nil {
		return nil, e
	}
	m := schemaListRE.FindStringSubmatch(strings.TrimPrefix(r.URL.Path, modelsPrefix))
	if m == nil {
		return nil, commonErr(http.StatusNotFound, "BAD_REQUEST", "path must be /v1/model/datasource/<prod|pre>/schemaList")
	}
	if r.Method != http.MethodGet {
		return nil, commonErr(http.StatusMethodNotAllowed, "BAD_REQUEST", "use GET to list data models")
	}
	s.counts["models:GET"]++
	models := s.records(env).Prod
	if m[1] == "pre" {
		models = s.records(env).Pre
	}
	want := nameList(r.URL.Query()["dataSourceNameList"])
	out := []dataSourceInfo{}
	for _, name := range sortedKeys(models) {
		if len(want) > 0 && !slices.Contains(want, name) {
			continue
		}
		sum := sha256.Sum256([]byte(m[1] + "/model/" + name))
		out = append(out, dataSourceInfo{Id: "ds-" + hex.EncodeToString(sum[:6]), Name: name, Title: models[name].Title,
			Schema: models[name].jsonSchema()})
	}
	return out, nil
}

// nameList accepts the names as repeated parameters, a JSON array or a comma list.
func nameList(vals []string) []string {
	var out []string
	for _, v := range vals {
		var arr []string
		if json.Unmarshal([]byte(v), &arr) == nil {
			out = append(out, arr...)
			continue
		}
		for _, n := range strings.Split(v, ",") {
			if n = strings.TrimSpace(n); n != "" {
				out = append(out, n)
			}
		}
	}
	return out
}

// jsonSchema is the model's fields as the JSON string the API carries.
func (m *Model) jsonSchema() string {
	props := map[string]any{}
	for name, typ := range systemField {
		props[name] = map[string]any{"type": typ, "x-system": true}
	}
	for name, typ := range m.Fields {
		props[name] = map[string]any{"type": typ}
	}
	schema := map[string]any{"type": "object", "properties": props}
	if len(m.Required) > 0 {
		schema["required"] = m.Required
	}
	raw, _ := json.Marshal(schema)
	return string(raw)
}
