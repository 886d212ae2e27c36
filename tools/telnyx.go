package tools

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/telnyx"
	"github.com/cloudops-mcp/cloudops-mcp/prompts"
	"github.com/cloudops-mcp/cloudops-mcp/resources"
)

// ToolsetTelnyx holds the Telnyx account access tools.
const ToolsetTelnyx = telnyx.Toolset

// telnyx is the Telnyx client the provider opened (nil when none): read at
// call time, so a client a test swaps in is the one used.
func (d *Deps) telnyx() *telnyx.Client { return telnyx.ClientKey.Get(d.Clients) }

// MaxListRecords bounds what a list tool gathers with all: true.
const MaxListRecords = 1000

func telnyxToolset(d *Deps) *Toolset {
	ts := NewToolset(ToolsetTelnyx, "Telnyx account access: IP allow-list, addresses, SSO providers, billing groups, integration secrets, telephony credentials")
	ts.Notes = telnyxNotes
	return ts.AddTools(slices.Concat(telnyxAccessIPTools(d), telnyxAddressTools(d), telnyxAuthProviderTools(d),
		telnyxBillingGroupTools(d), telnyxIntegrationSecretTools(d), telnyxTelephonyTools(d))...).
		AddResources(resources.Telnyx(d.telnyx, d.Redactor)).
		AddPrompts(prompts.Telnyx(d.telnyx, d.Redactor))
}

// defineTelnyx is Define for a Telnyx tool: it puts the tool in the toolset,
// answers "no key" before anything else, adds advice that names this
// server's tools to Telnyx errors, and hands a progress token to the handler.
// lister is the tool that lists the ids this tool takes.
func defineTelnyx[In, Out any](d *Deps, s Spec, lister string, fn func(ctx context.Context, in *In) (*Out, error)) Tool {
	s.Toolset = ToolsetTelnyx
	t := Define(d, s, func(ctx context.Context, in *In) (*Out, error) {
		if d.telnyx() == nil {
			return nil, telnyx.ErrNoAPIKey
		}
		out, err := fn(ctx, in)
		return out, telnyxAdvice(lister, s.CheckWith, err)
	})
	inner := t.Handler
	t.Handler = func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		if m := req.Params.Meta; m != nil && m.ProgressToken != nil {
			ctx = context.WithValue(ctx, progressTokenKey{}, m.ProgressToken)
		}
		return inner(ctx, req)
	}
	return t
}

// telnyxAdvice says which tool answers the question an error raises. It
// wraps, so the error's types stay visible to errors.As.
func telnyxAdvice(lister, checkWith string, err error) error {
	var apiErr *telnyx.APIError
	switch {
	case err == nil, errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.As(err, &apiErr) && apiErr.Status == 404 && lister != "":
		return fmt.Errorf("%w (%s lists them)", err, lister)
	case errors.As(err, &apiErr) && len(apiErr.Taken()) > 0 && checkWith != "":
		return fmt.Errorf("%w; %s lists the existing ones with their ids", err, checkWith)
	}
	return err
}

type progressTokenKey struct{}

// reportProgress sends notifications/progress when the request carried a
// progress token; otherwise it does nothing.
func reportProgress(ctx context.Context, progress, total int, message string) {
	tok := ctx.Value(progressTokenKey{})
	srv := server.ServerFromContext(ctx)
	if tok == nil || srv == nil {
		return
	}
	params := map[string]any{"progressToken": tok, "progress": progress, "message": message}
	if total > 0 {
		params["total"] = total
	}
	_ = srv.SendNotificationToClient(ctx, string(mcp.MethodNotificationProgress), params)
}

// Paging is the list tools' shared input, described once in telnyxNotes.
type Paging struct {
	PageNumber int  `json:"page_number,omitempty" jsonschema:"minimum=1,maximum=100000"`
	PageSize   int  `json:"page_size,omitempty" jsonschema:"minimum=1,maximum=250"`
	All        bool `json:"all,omitempty"`
}

// telnyxNotes is said once in the instructions rather than on six list tools.
var telnyxNotes = fmt.Sprintf("Telnyx lists page with page_number (default 1) and page_size (default 20, or %d with all); all:true reads the pages from page_number on, up to %d records. ", telnyx.MaxPageSize, MaxListRecords)

// listResult is a list tool's answer.
type listResult[T any] struct {
	Data []T             `json:"data"`
	Meta telnyx.PageMeta `json:"meta" jsonschema_description:"Meta of the last page read"`
	// PagesRead, Truncated and NextPageNumber tell the model how to go on.
	PagesRead      int  `json:"pages_read"`
	Truncated      bool `json:"truncated,omitempty" jsonschema_description:"All stopped at 1000 records; more remain"`
	NextPageNumber int  `json:"next_page_number,omitempty" jsonschema_description:"Page to read next, when more remain"`
}

// list reads one page, or with all every page up to MaxListRecords,
// reporting progress after each page.
func list[T any](ctx context.Context, p Paging, what string, fetch func(context.Context, telnyx.PageParams) (*telnyx.Page[T], error)) (*listResult[T], error) {
	params := telnyx.PageParams{Number: p.PageNumber, Size: p.PageSize}
	if !p.All {
		page, err := fetch(ctx, params)
		if err != nil {
			return nil, err
		}
		out := &listResult[T]{Data: page.Data, Meta: page.Meta, PagesRead: 1}
		if n := page.Meta.PageNumber; n > 0 && n < page.Meta.TotalPages {
			out.NextPageNumber = n + 1
		}
		return out, nil
	}
	if params.Size == 0 {
		params.Size = telnyx.MaxPageSize
	}
	w, err := telnyx.Walk(ctx, params, MaxListRecords, fetch, func(page *telnyx.Page[T], gathered int) {
		total := 0 // unknown: no total in the progress
		if t := page.Meta.TotalResults; t != nil {
			total = min(*t, MaxListRecords)
		}
		msg := fmt.Sprintf("%s: page %d", what, page.Meta.PageNumber)
		if page.Meta.TotalPages > 0 {
			msg += fmt.Sprintf(" of %d", page.Meta.TotalPages)
		}
		reportProgress(ctx, gathered, total, msg)
	})
	if err != nil {
		if w != nil && w.Pages > 0 {
			return nil, fmt.Errorf("%w (after %d pages had been read; nothing is returned)", err, w.Pages)
		}
		return nil, err
	}
	return &listResult[T]{Data: w.Items, Meta: w.Last, PagesRead: w.Pages, Truncated: w.Truncated, NextPageNumber: w.NextPage}, nil
}

// idInput names one record by a Telnyx id (a UUID or a numeric string).
type idInput struct {
	ID string `json:"id" jsonschema:"pattern=^[A-Za-z0-9-]+$,maxLength=64"`
}

// uuidInput names one record whose id is a UUID.
type uuidInput struct {
	ID string `json:"id" jsonschema:"format=uuid"`
}

// argID is the id argument of a call being confirmed.
func argID(args map[string]any) string { s, _ := args["id"].(string); return s }

// quoted is " \"s\"" for a non-empty s, for confirmation lines.
func quoted(s string) string {
	if s == "" {
		return ""
	}
	return fmt.Sprintf(" %q", s)
}

// findListed walks a Telnyx list (at most max records, in the largest pages)
// for the first record match accepts: Telnyx has no lookup by the fields the
// tools compare on. truncated says the walk stopped at max before the end.
func findListed[T any](ctx context.Context, max int, list func(context.Context, telnyx.PageParams) (*telnyx.Page[T], error),
	match func(*T) bool) (found *T, truncated bool, err error) {
	w, err := telnyx.Walk(ctx, telnyx.PageParams{Size: telnyx.MaxPageSize}, max, list, nil)
	if err != nil {
		return nil, false, err
	}
	for i := range w.Items {
		if match(&w.Items[i]) {
			return &w.Items[i], w.Truncated, nil
		}
	}
	return nil, w.Truncated, nil
}
