package tcb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
)

// Data models (what the OData records API can query) over the HTTP API:
// GET /v1/model/datasource/<prod|pre>/schemaList, same bearer token as the
// records. Each model's Schema is a JSON string with its fields.

// DataModel is one data model with its fields.
type DataModel struct {
	Id     string
	Name   string
	Title  string
	Fields []ModelField
	// SchemaProblem is set when the Schema string could not be read.
	SchemaProblem string
}

// ModelField is one field of a data model.
type ModelField struct {
	Name     string
	Type     string
	Title    string
	Required bool
	// System fields (_id, createdAt, …) are maintained by CloudBase.
	System bool
}

// FieldNames lists the model's field names, system fields first.
func (m DataModel) FieldNames() []string {
	names := make([]string, 0, len(m.Fields))
	for _, f := range m.Fields {
		names = append(names, f.Name)
	}
	return names
}

// SchemaListPath is where an env type's data models are listed.
func SchemaListPath(envType string) string { return "/v1/model/datasource/" + envType + "/schemaList" }

// ListDataModels lists the data models of envType (prod or pre), sorted by name.
func (c *HTTPClient) ListDataModels(ctx context.Context, envType string) ([]DataModel, string, error) {
	if envType == "" {
		envType = "prod"
	}
	if envType != "prod" && envType != "pre" {
		return nil, "", &RequestError{Field: "envType", Problem: fmt.Sprintf("must be prod or pre (got %q)", envType)}
	}
	path := SchemaListPath(envType)
	resp, err := c.Do(ctx, HTTPRequest{Method: http.MethodGet, Path: path})
	if err != nil {
		return nil, "", err
	}
	what := "GET " + path
	if resp.Truncated {
		return nil, resp.RequestID, &TransportError{Action: what, Err: fmt.Errorf("the answer is larger than %d bytes", c.cfg.MaxResponseBytes)}
	}
	var ans struct {
		Data *struct {
			List []struct {
				Id     string `json:"Id"`
				Name   string `json:"Name"`
				Title  string `json:"Title"`
				Schema string `json:"Schema"`
			} `json:"DataSourceRelationInfoList"`
		} `json:"data"`
		RequestID string `json:"requestId"`
	}
	if err := json.Unmarshal(resp.Body, &ans); err != nil || ans.Data == nil {
		return nil, resp.RequestID, &TransportError{Action: what, Err: errors.New("the answer has no data.DataSourceRelationInfoList")}
	}
	rid := firstNonEmpty(resp.RequestID, ans.RequestID)
	out := make([]DataModel, 0, len(ans.Data.List))
	for _, d := range ans.Data.List {
		m := DataModel{Id: d.Id, Name: d.Name, Title: d.Title}
		fields, err := parseModelSchema(d.Schema)
		if err != nil {
			m.SchemaProblem = err.Error()
		}
		m.Fields = fields
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, rid, nil
}

// parseModelSchema reads a model's JSON-schema string into fields: system
// fields first, then the rest by name.
func parseModelSchema(raw string) ([]ModelField, error) {
	var s struct {
		Properties map[string]struct {
			Type     any    `json:"type"`
			Format   string `json:"format"`
			Title    string `json:"title"`
			System   bool   `json:"x-system"`
			IsSystem bool   `json:"x-system-field"`
		} `json:"properties"`
		Required []string `json:"required"`
	}
	if raw == "" {
		return []ModelField{}, errors.New("no schema")
	}
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return []ModelField{}, fmt.Errorf("schema is not JSON: %v", err)
	}
	out := make([]ModelField, 0, len(s.Properties))
	for name, p := range s.Properties {
		typ := fmt.Sprint(p.Type)
		if p.Type == nil {
			typ = ""
		}
		if p.Format != "" {
			typ += " (" + p.Format + ")"
		}
		out = append(out, ModelField{Name: name, Type: typ, Title: p.Title, Required: slices.Contains(s.Required, name),
			System: p.System || p.IsSystem})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].System != out[j].System {
			return out[i].System
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}
