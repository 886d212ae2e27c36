package resources

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
	"github.com/cloudops-mcp/cloudops-mcp/internal/rpcerr"
)

// CloudBase resource URIs. A change made by a tool is announced on them
// (notifications/resources/updated) to subscribed clients.
const (
	TemplatesURI        = "cloudbase://templates"
	ProvidersURI        = "cloudbase://providers"
	TemplateURITemplate = TemplatesURI + "/{authTypeCode}"
	ProviderURITemplate = ProvidersURI + "/{id}"
)

// TemplateURI is the resource of one integration template and its instances.
func TemplateURI(authTypeCode string) string {
	return TemplatesURI + "/" + url.PathEscape(authTypeCode)
}

// ProviderURI is the resource of one identity provider.
func ProviderURI(id string) string { return ProvidersURI + "/" + url.PathEscape(id) }

// CloudBaseTemplates returns the integration template resources.
func CloudBaseTemplates(c func() *tcb.Client, r *redact.Redactor) Set {
	cb := cloudbase{c: c, r: r}
	return Set{
		Resources: []server.ServerResource{
			{Resource: mcp.NewResource(TemplatesURI, "cloudbase_templates",
				mcp.WithResourceTitle("Integration templates"),
				mcp.WithResourceDescription("Every integration template (auth type) with its field names; secret fields listed apart."),
				mcp.WithMIMEType(MIMEJSON)), Handler: cb.readTemplates},
		},
		Templates: []server.ServerResourceTemplate{
			{Template: mcp.NewResourceTemplate(TemplateURITemplate, "cloudbase_template",
				mcp.WithTemplateTitle("Integration template"),
				mcp.WithTemplateDescription("One template's fields as a schema (name, label, type, required, secret) and the instances bound to it."),
				mcp.WithTemplateMIMEType(MIMEJSON)), Handler: cb.readTemplate},
		},
		Complete: map[string]map[string]CompleteFunc{
			TemplateURITemplate: {"authTypeCode": cb.completeTemplateCode},
		},
	}
}

// CloudBaseProviders returns the identity provider resources.
func CloudBaseProviders(c func() *tcb.Client, r *redact.Redactor) Set {
	cb := cloudbase{c: c, r: r}
	return Set{
		Resources: []server.ServerResource{
			{Resource: mcp.NewResource(ProvidersURI, "cloudbase_providers",
				mcp.WithResourceTitle("Identity providers"),
				mcp.WithResourceDescription("The environment's identity providers (OIDC, OAuth, SAML, WeChat, custom, email); client secrets redacted."),
				mcp.WithMIMEType(MIMEJSON)), Handler: cb.readProviders},
		},
		Templates: []server.ServerResourceTemplate{
			{Template: mcp.NewResourceTemplate(ProviderURITemplate, "cloudbase_provider",
				mcp.WithTemplateTitle("Identity provider"),
				mcp.WithTemplateDescription("One identity provider's settings; client secrets redacted."),
				mcp.WithTemplateMIMEType(MIMEJSON)), Handler: cb.readProvider},
		},
		Complete: map[string]map[string]CompleteFunc{
			ProviderURITemplate: {"id": cb.completeProviderID},
		},
	}
}

type cloudbase struct {
	c func() *tcb.Client // a getter: the app may swap the client
	r *redact.Redactor
}

type templateSummary struct {
	AuthTypeCode   string   `json:"AuthTypeCode"`
	AuthTypeName   string   `json:"AuthTypeName"`
	URI            string   `json:"URI"`
	AuthURL        string   `json:"AuthURL,omitempty"`
	Fields         []string `json:"Fields"`
	RequiredFields []string `json:"RequiredFields,omitempty"`
	SecretFields   []string `json:"SecretFields,omitempty"`
}

func (cb cloudbase) readTemplates(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
	all, err := cb.c().AllUserKeyTemplates(ctx, tcb.GetUserKeyTemplateListRequest{})
	if err != nil {
		return nil, cloudError(cb.r, req.Params.URI, err)
	}
	list := make([]templateSummary, 0, len(all))
	for _, t := range all {
		s := templateSummary{AuthTypeCode: t.AuthTypeCode, AuthTypeName: t.AuthTypeName, URI: TemplateURI(t.AuthTypeCode),
			AuthURL: t.AuthURL, Fields: []string{}}
		fields, _ := tcb.ParseTemplateFields(t.Ext)
		for _, f := range fields {
			s.Fields = append(s.Fields, f.Name)
			if f.Required {
				s.RequiredFields = append(s.RequiredFields, f.Name)
			}
			if f.Secret() {
				s.SecretFields = append(s.SecretFields, f.Name)
			}
		}
		list = append(list, s)
	}
	return jsonContents(cb.r, req.Params.URI, map[string]any{"TotalCount": len(list), "Templates": list})
}

// FieldSchema is one template field made readable, keyed as the cloud keys
// it in a template's Ext (name, label, type, required …); the tools use it too.
type FieldSchema struct {
	Name        string `json:"name"`
	Label       string `json:"label,omitempty"`
	Type        string `json:"type"`
	Required    bool   `json:"required"`
	Secret      bool   `json:"secret"`
	Description string `json:"description,omitempty"`
	Placeholder string `json:"placeholder,omitempty"`
}

// Fields turns a template's Ext into field schemas (an unreadable Ext gives none and the error).
func Fields(t tcb.UserKeyTemplate) ([]FieldSchema, error) {
	fields, err := tcb.ParseTemplateFields(t.Ext)
	out := make([]FieldSchema, 0, len(fields))
	for _, f := range fields {
		typ := f.Type
		if typ == "" {
			typ = "text"
		}
		out = append(out, FieldSchema{Name: f.Name, Label: f.Label, Type: typ, Required: f.Required, Secret: f.Secret(),
			Description: f.Description, Placeholder: f.Placeholder})
	}
	return out, err
}

type instanceRef struct {
	KeyID           string         `json:"KeyID"`
	Name            string         `json:"Name"`
	Status          string         `json:"Status,omitempty"`
	BindServiceList map[string]any `json:"BindServiceList,omitempty"`
}

type templateDetail struct {
	AuthTypeCode string        `json:"AuthTypeCode"`
	AuthTypeName string        `json:"AuthTypeName"`
	AuthURL      string        `json:"AuthURL,omitempty"`
	RedirectURI  string        `json:"RedirectURI,omitempty"`
	Icon         string        `json:"Icon,omitempty"`
	State        string        `json:"State,omitempty"`
	Fields       []FieldSchema `json:"Fields"`
	ExtProblem   string        `json:"ExtProblem,omitempty"`
	// Ext is the template's Ext whole (keys Fields does not parse included),
	// as cloudbase_list_templates shows it; instances' Ext never appears here.
	Ext           map[string]any `json:"Ext,omitempty"`
	InstanceCount int            `json:"InstanceCount"`
	Instances     []instanceRef  `json:"Instances"`
}

// FindTemplate returns the template named code, or nil when there is none.
func FindTemplate(ctx context.Context, c *tcb.Client, code string) (*tcb.UserKeyTemplate, error) {
	res, err := c.GetUserKeyTemplateList(ctx, &tcb.GetUserKeyTemplateListRequest{AuthTypeCode: code})
	if err != nil {
		return nil, err
	}
	for i, t := range res.KeyTemplateList {
		if t.AuthTypeCode == code {
			return &res.KeyTemplateList[i], nil
		}
	}
	return nil, nil
}

func (cb cloudbase) readTemplate(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
	code := argument(req, "authTypeCode")
	t, err := FindTemplate(ctx, cb.c(), code)
	if err != nil {
		return nil, cloudError(cb.r, req.Params.URI, err)
	}
	if t == nil {
		codes, _ := cb.completeTemplateCode(ctx, "")
		return nil, rpcerr.ResourceNotFound(ctx, fmt.Sprintf("%s: no integration template %q; the templates are: %s", req.Params.URI, code, joinOr(codes)))
	}
	d := templateDetail{AuthTypeCode: t.AuthTypeCode, AuthTypeName: t.AuthTypeName, AuthURL: t.AuthURL, RedirectURI: t.RedirectURI,
		Icon: t.Icon, State: t.State, Instances: []instanceRef{}}
	if d.Fields, err = Fields(*t); err != nil {
		d.ExtProblem = err.Error()
	}
	_ = json.Unmarshal([]byte(t.Ext), &d.Ext) // not an object: ExtProblem says so
	keys, err := cb.c().GetUserKeyList(ctx, &tcb.GetUserKeyListRequest{AuthTypeCode: code})
	if err != nil {
		return nil, cloudError(cb.r, req.Params.URI, err)
	}
	d.InstanceCount = keys.TotalCount
	for _, k := range keys.UserKeyList { // no Ext: the instance tools show it with secrets withheld
		d.Instances = append(d.Instances, instanceRef{KeyID: k.KeyID, Name: k.Name, Status: k.Status, BindServiceList: k.BindServiceList})
	}
	return jsonContents(cb.r, req.Params.URI, d)
}

type providerEntry struct {
	URI string `json:"URI"`
	tcb.Provider
}

func (cb cloudbase) readProviders(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
	list, err := cb.c().GetProviders(ctx)
	if err != nil {
		return nil, cloudError(cb.r, req.Params.URI, err)
	}
	entries := make([]providerEntry, 0, len(list.Data))
	for _, p := range list.Data {
		entries = append(entries, providerEntry{URI: ProviderURI(p.Id), Provider: p})
	}
	return jsonContents(cb.r, req.Params.URI, map[string]any{"Total": list.Total, "Providers": entries})
}

func (cb cloudbase) readProvider(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
	id := argument(req, "id")
	list, err := cb.c().GetProviders(ctx)
	if err != nil {
		return nil, cloudError(cb.r, req.Params.URI, err)
	}
	ids := make([]string, 0, len(list.Data))
	for _, p := range list.Data {
		if p.Id == id {
			return jsonContents(cb.r, req.Params.URI, p)
		}
		ids = append(ids, p.Id)
	}
	return nil, rpcerr.ResourceNotFound(ctx, fmt.Sprintf("%s: no identity provider %q; the providers are: %s", req.Params.URI, id, joinOr(ids)))
}

func (cb cloudbase) completeTemplateCode(ctx context.Context, prefix string) ([]string, error) {
	all, err := cb.c().AllUserKeyTemplates(ctx, tcb.GetUserKeyTemplateListRequest{})
	if err != nil {
		return nil, cloudError(cb.r, TemplateURITemplate, err)
	}
	codes := make([]string, 0, len(all))
	for _, t := range all {
		codes = append(codes, t.AuthTypeCode)
	}
	return WithPrefix(codes, prefix), nil
}

func (cb cloudbase) completeProviderID(ctx context.Context, prefix string) ([]string, error) {
	list, err := cb.c().GetProviders(ctx)
	if err != nil {
		return nil, cloudError(cb.r, ProviderURITemplate, err)
	}
	ids := make([]string, 0, len(list.Data))
	for _, p := range list.Data {
		ids = append(ids, p.Id)
	}
	return WithPrefix(ids, prefix), nil
}
