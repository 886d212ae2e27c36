package resources

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/telnyx"
	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
	"github.com/cloudops-mcp/cloudops-mcp/internal/rpcerr"
)

// Telnyx resource URIs, beside the CloudBase providers. Tools that change a
// provider announce it on them.
const (
	TelnyxProvidersURI        = "telnyx://authentication_providers"
	TelnyxProviderURITemplate = TelnyxProvidersURI + "/{id}"
)

// maxTelnyxProviders bounds how many providers a read or a completion walks.
const maxTelnyxProviders = 500

// TelnyxProviderURI is the resource of one Telnyx SSO provider.
func TelnyxProviderURI(id string) string { return TelnyxProvidersURI + "/" + url.PathEscape(id) }

// Telnyx returns the SSO authentication provider resources.
func Telnyx(c func() *telnyx.Client, r *redact.Redactor) Set {
	t := telnyxResources{c: c, r: r}
	return Set{
		Resources: []server.ServerResource{
			{Resource: mcp.NewResource(TelnyxProvidersURI, "telnyx_authentication_providers",
				mcp.WithResourceTitle("Telnyx SSO providers"),
				mcp.WithResourceDescription("The Telnyx organization's SAML single sign-on providers with their settings (public IdP metadata)."),
				mcp.WithMIMEType(MIMEJSON)), Handler: t.readProviders},
		},
		Templates: []server.ServerResourceTemplate{
			{Template: mcp.NewResourceTemplate(TelnyxProviderURITemplate, "telnyx_authentication_provider",
				mcp.WithTemplateTitle("Telnyx SSO provider"),
				mcp.WithTemplateDescription("One Telnyx SSO provider: name, short name, active, SAML settings and login URLs."),
				mcp.WithTemplateMIMEType(MIMEJSON)), Handler: t.readProvider},
		},
		Complete: map[string]map[string]CompleteFunc{
			TelnyxProviderURITemplate: {"id": t.completeProviderID},
		},
	}
}

type telnyxResources struct {
	c func() *telnyx.Client // a getter: tests swap the client
	r *redact.Redactor
}

type telnyxProviderList struct {
	Data      []telnyx.AuthenticationProvider `json:"data"`
	Total     int                             `json:"total"`
	Truncated bool                            `json:"truncated,omitempty"`
}

func (t telnyxResources) all(ctx context.Context) (*telnyx.Walked[telnyx.AuthenticationProvider], error) {
	return telnyx.Walk(ctx, telnyx.PageParams{Size: telnyx.MaxPageSize}, maxTelnyxProviders,
		func(ctx context.Context, p telnyx.PageParams) (*telnyx.Page[telnyx.AuthenticationProvider], error) {
			return t.c().ListAuthenticationProviders(ctx, nil, p)
		}, nil)
}

func (t telnyxResources) readProviders(ctx context.Context, _ mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
	w, err := t.all(ctx)
	if err != nil {
		return nil, cloudError(t.r, TelnyxProvidersURI, err)
	}
	return jsonContents(t.r, TelnyxProvidersURI, telnyxProviderList{Data: w.Items, Total: len(w.Items), Truncated: w.Truncated})
}

func (t telnyxResources) readProvider(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
	id := argument(req, "id")
	if id == "" {
		id = strings.TrimPrefix(req.Params.URI, TelnyxProvidersURI+"/")
		if u, err := url.PathUnescape(id); err == nil {
			id = u
		}
	}
	p, err := t.c().GetAuthenticationProvider(ctx, id)
	if apiErr := (*telnyx.APIError)(nil); errors.As(err, &apiErr) && apiErr.Status == http.StatusNotFound {
		var ids []string
		if w, lerr := t.all(ctx); lerr == nil {
			for _, ap := range w.Items {
				ids = append(ids, ap.ID+" ("+ap.ShortName+")")
			}
		}
		return nil, rpcerr.ResourceNotFound(ctx, t.r.String(fmt.Sprintf("%s: no authentication provider %q; the providers are: %s", req.Params.URI, id, joinOr(ids))))
	}
	if err != nil {
		return nil, cloudError(t.r, req.Params.URI, err)
	}
	return jsonContents(t.r, req.Params.URI, p)
}

// completeProviderID offers the ids of providers whose id, short name or
// name starts with prefix, so "myo" finds the "myorg" provider's id.
func (t telnyxResources) completeProviderID(ctx context.Context, prefix string) ([]string, error) {
	w, err := t.all(ctx)
	if err != nil {
		return nil, cloudError(t.r, TelnyxProviderURITemplate, err)
	}
	p := strings.ToLower(prefix)
	var ids []string
	for _, ap := range w.Items {
		for _, s := range []string{ap.ID, ap.ShortName, ap.Name} {
			if strings.HasPrefix(strings.ToLower(s), p) {
				ids = append(ids, ap.ID)
				break
			}
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}
