package tools

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
	"github.com/cloudops-mcp/cloudops-mcp/resources"
)

// Data-model discovery: which models cloudbase_query_records can read and
// their fields, and errors of the records tool that name what exists.

type listDataModelsInput struct {
	EnvType string `json:"envType,omitempty" jsonschema:"enum=prod,enum=pre,default=prod" jsonschema_description:"prod (live data) or pre (preview data)"`
	Name    string `json:"name,omitempty" jsonschema:"pattern=^[A-Za-z][A-Za-z0-9_]{0\\,63}$" jsonschema_description:"Only this model"`
}

// listDataModelsOutput has the shape of the cloudbase://datamodels resource.
type listDataModelsOutput struct {
	EnvType   string                    `json:"envType"`
	Models    []resources.DataModelView `json:"models"`
	RequestId string                    `json:"requestId,omitempty"`
}

func listDataModels(d *Deps) Tool {
	return defineCloudBase(d, Spec{Name: "cloudbase_list_data_models", Title: "List data models", Toolset: ToolsetCloudBaseHTTP,
		Description: "List the environment's data models (what cloudbase_query_records reads) with their fields and types.",
		ReadOnly:    true},
		func(ctx context.Context, in *listDataModelsInput) (*listDataModelsOutput, error) {
			if d.httpAPI() == nil {
				return nil, errHTTPAPIMissing
			}
			envType := or(in.EnvType, "prod")
			models, rid, err := d.httpAPI().ListDataModels(ctx, envType)
			if err != nil {
				return nil, httpAPIError(err)
			}
			if in.Name != "" {
				m, ok := findModel(models, in.Name)
				if !ok {
					return nil, Invalid("name: no data model %q in %s; the models are: %s", in.Name, envType, modelNames(models))
				}
				models = []tcb.DataModel{m}
			}
			return &listDataModelsOutput{EnvType: envType, Models: resources.DataModelViews(models), RequestId: rid}, nil
		})
}

func findModel(models []tcb.DataModel, name string) (tcb.DataModel, bool) {
	for _, m := range models {
		if m.Name == name {
			return m, true
		}
	}
	return tcb.DataModel{}, false
}

func modelNames(models []tcb.DataModel) string {
	if len(models) == 0 {
		return "(none)"
	}
	names := make([]string, 0, len(models))
	for _, m := range models {
		names = append(names, m.Name)
	}
	return join(names)
}

// explainRecordsError adds what exists to a records error: the models of the
// env type when the model is unknown, the model's fields when a field is.
// A failure to list leaves the error as it was.
func (d *Deps) explainRecordsError(ctx context.Context, envType, datasource string, err error) error {
	var herr *tcb.HTTPError
	if !errors.As(err, &herr) {
		return err
	}
	missingModel := herr.Code == "ResourceNotFound" || herr.Code == "DATASOURCE_NOT_FOUND"
	unknownField := strings.Contains(strings.ToLower(herr.Message), "unknown field") || strings.Contains(strings.ToLower(herr.Message), "field not")
	if !missingModel && !unknownField {
		return err
	}
	envType = or(envType, "prod")
	models, _, lerr := d.httpAPI().ListDataModels(ctx, envType)
	if lerr != nil {
		return err
	}
	m, found := findModel(models, datasource)
	switch {
	case !found:
		return fmt.Errorf("%w. The data models in %s are: %s (cloudbase_list_data_models shows their fields)", err, envType, modelNames(models))
	case unknownField && !strings.Contains(herr.Message, "fields:"):
		return fmt.Errorf("%w. The fields of %s are: %s", err, datasource, join(m.FieldNames()))
	}
	return err
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
