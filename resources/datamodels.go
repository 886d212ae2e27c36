package resources

import (
	"context"
	"fmt"
	"net/url"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
	"github.com/cloudops-mcp/cloudops-mcp/internal/rpcerr"
)

// Data-model resources: what cloudbase_query_records can read (the prod
// models; cloudbase_list_data_models also lists pre).
const (
	DataModelsURI        = "cloudbase://datamodels"
	DataModelURITemplate = DataModelsURI + "/{name}"
)

// DataModelURI is the resource of one data model.
func DataModelURI(name string) string { return DataModelsURI + "/" + url.PathEscape(name) }

// DataModelField is one field of a data model, as tools and resources show it.
type DataModelField struct {
	Name     string `json:"name"`
	Type     string `json:"type,omitempty"`
	Title    string `json:"title,omitempty"`
	Required bool   `json:"required,omitempty"`
	System   bool   `json:"system,omitempty" jsonschema_description:"Maintained by CloudBase (_id, createdAt, updatedAt)"`
}

// DataModelView is one data model, as tools and resources show it.
type DataModelView struct {
	Name          string           `json:"name" jsonschema_description:"The datasource of cloudbase_query_records"`
	Title         string           `json:"title,omitempty"`
	Id            string           `json:"id,omitempty"`
	Fields        []DataModelField `json:"fields"`
	SchemaProblem string           `json:"schemaProblem,omitempty"`
}

// DataModelViews shapes the client's models for a result or a resource.
func DataModelViews(models []tcb.DataModel) []DataModelView {
	out := make([]DataModelView, 0, len(models))
	for _, m := range models {
		v := DataModelView{Name: m.Name, Title: m.Title, Id: m.Id, Fields: []DataModelField{}, SchemaProblem: m.SchemaProblem}
		for _, f := range m.Fields {
			v.Fields = append(v.Fields, DataModelField{Name: f.Name, Type: f.Type, Title: f.Title, Required: f.Required, System: f.System})
		}
		out = append(out, v)
	}
	return out
}

// DataModels returns the data-model resources, read through the HTTP API.
func DataModels(c func() *tcb.HTTPClient, r *redact.Redactor) Set {
	dm := dataModels{c: c, r: r}
	return Set{
		Resources: []server.ServerResource{
			{Resource: mcp.NewResource(DataModelsURI, "cloudbase_datamodels",
				mcp.WithResourceTitle("Data models"),
				mcp.WithResourceDescription("The environment's data models (prod) with their fields: what cloudbase_query_records can read."),
				mcp.WithMIMEType(MIMEJSON)), Handler: dm.readAll},
		},
		Templates: []server.ServerResourceTemplate{
			{Template: mcp.NewResourceTemplate(DataModelURITemplate, "cloudbase_datamodel",
				mcp.WithTemplateTitle("Data model"),
				mcp.WithTemplateDescription("One data model's fields (name, type, required, system)."),
				mcp.WithTemplateMIMEType(MIMEJSON)), Handler: dm.readOne},
		},
		Complete: map[string]map[string]CompleteFunc{DataModelURITemplate: {"name": dm.complete}},
	}
}

type dataModels struct {
	c func() *tcb.HTTPClient
	r *redact.Redactor
}

func (dm dataModels) list(ctx context.Context, uri string) ([]tcb.DataModel, error) {
	c := dm.c()
	if c == nil {
		return nil, fmt.Errorf("reading %s: the CloudBase HTTP API client is not configured", uri)
	}
	models, _, err := c.ListDataModels(ctx, "prod")
	if err != nil {
		return nil, cloudError(dm.r, uri, err)
	}
	return models, nil
}

func (dm dataModels) readAll(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
	models, err := dm.list(ctx, req.Params.URI)
	if err != nil {
		return nil, err
	}
	return jsonContents(dm.r, req.Params.URI, map[string]any{"envType": "prod", "models": DataModelViews(models)})
}

func (dm dataModels) readOne(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
	name := argument(req, "name")
	models, err := dm.list(ctx, req.Params.URI)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(models))
	for i, m := range models {
		if m.Name == name {
			return jsonContents(dm.r, req.Params.URI, DataModelViews(models[i : i+1])[0])
		}
		names = append(names, m.Name)
	}
	return nil, rpcerr.ResourceNotFound(ctx, fmt.Sprintf("%s: no data model %q; the models are: %s", req.Params.URI, name, joinOr(names)))
}

func (dm dataModels) complete(ctx context.Context, prefix string) ([]string, error) {
	models, err := dm.list(ctx, DataModelURITemplate)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(models))
	for _, m := range models {
		names = append(names, m.Name)
	}
	return WithPrefix(names, prefix), nil
}

func joinOr(names []string) string {
	if len(names) == 0 {
		return "(none)"
	}
	out := names[0]
	for _, n := range names[1:] {
		out += ", " + n
	}
	return out
}
