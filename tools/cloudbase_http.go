package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/cloudbase"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
	"github.com/cloudops-mcp/cloudops-mcp/internal/lazyre"
	"github.com/cloudops-mcp/cloudops-mcp/resources"
)

// ToolsetCloudBaseHTTP holds the CloudBase HTTP API tools.
const ToolsetCloudBaseHTTP = cloudbase.ToolsetHTTP

// httpAPI is the CloudBase HTTP API client the provider opened (nil when none).
func (d *Deps) httpAPI() *tcb.HTTPClient { return tcb.HTTPClientKey.Get(d.Clients) }

// Result size caps: what one call may put in front of the model.
const (
	// maxRecordsBytes caps the records of one cloudbase_query_records page, as JSON.
	maxRecordsBytes = 64 << 10
	// maxHTTPBodyBytes caps the response body cloudbase_http_request returns.
	maxHTTPBodyBytes = 64 << 10
	defaultTop       = 20
)

var (
	selectRE  = lazyre.New(`^\s*[A-Za-z_][A-Za-z0-9_]*\s*(,\s*[A-Za-z_][A-Za-z0-9_]*\s*)*$`)
	orderByRE = lazyre.New(`^\s*[A-Za-z_][A-Za-z0-9_]*(\s+(asc|desc))?\s*(,\s*[A-Za-z_][A-Za-z0-9_]*(\s+(asc|desc))?\s*)*$`)
)

func cloudbaseHTTPToolset(d *Deps) *Toolset {
	return NewToolset(ToolsetCloudBaseHTTP, "CloudBase HTTP API: data models, their records, and raw requests with a server-managed token").
		AddTools(listDataModels(d), queryRecords(d), httpRequest(d)).
		AddResources(resources.DataModels(func() *tcb.HTTPClient { return d.httpAPI() }, d.Redactor))
}

type queryRecordsInput struct {
	Datasource string `json:"datasource" jsonschema:"pattern=^[A-Za-z][A-Za-z0-9_]{0\\,63}$" jsonschema_description:"Data model name (cloudbase_list_data_models lists them), e.g. sys_user"`
	EnvType    string `json:"envType,omitempty" jsonschema:"enum=prod,enum=pre,default=prod" jsonschema_description:"Prod (live data) or pre (preview data)"`
	Filter     string `json:"filter,omitempty" jsonschema:"maxLength=2000" jsonschema_description:"OData $filter: eq ne gt ge lt le and or not contains(f,'x'); strings in single quotes"`
	Select     string `json:"select,omitempty" jsonschema:"maxLength=1000" jsonschema_description:"Comma-separated fields to return; _id is always included"`
	OrderBy    string `json:"orderby,omitempty" jsonschema:"maxLength=500" jsonschema_description:"OData $orderby, e.g. priority asc, createdAt desc"`
	Top        *int   `json:"top,omitempty" jsonschema:"minimum=1,maximum=100,default=20" jsonschema_description:"Page size"`
	Skip       int    `json:"skip,omitempty" jsonschema:"minimum=0,maximum=1000000"`
	Count      bool   `json:"count,omitempty" jsonschema_description:"Also return the total"`
}

func (in *queryRecordsInput) Validate() error {
	var problems []string
	if in.Select != "" && !selectRE.MatchString(in.Select) {
		problems = append(problems, fmt.Sprintf("select: must be field names separated by commas (got %q)", clipArg(in.Select)))
	}
	if op := symbolicOperator(in.Filter); op != "" {
		problems = append(problems, fmt.Sprintf("filter: OData compares with words, not %s: eq ne gt ge lt le (e.g. status eq 'paid'; strings in single quotes) (got %q)",
			op, clipArg(in.Filter)))
	}
	if in.OrderBy != "" && !orderByRE.MatchString(in.OrderBy) {
		problems = append(problems, fmt.Sprintf("orderby: must be \"field [asc|desc]\" items separated by commas (got %q)", clipArg(in.OrderBy)))
	}
	if len(problems) > 0 {
		return &InputError{Problems: problems}
	}
	return nil
}

type queryRecordsOutput struct {
	Records  []map[string]any `json:"records" jsonschema_description:"Matching records"`
	Returned int              `json:"returned" jsonschema_description:"Number of records in this result"`
	Total    *int             `json:"total,omitempty" jsonschema_description:"All records matching the filter (count=true)"`
	NextSkip *int             `json:"nextSkip,omitempty" jsonschema_description:"Skip value for the next page; absent when this is the last"`
	Note     string           `json:"note,omitempty"`
	// RequestId is the cloud's id for this request, when it sent one.
	RequestId string `json:"requestId,omitempty"`
}

func queryRecords(d *Deps) Tool {
	return defineCloudBase(d, Spec{Name: "cloudbase_query_records", Title: "Query data model records", Toolset: ToolsetCloudBaseHTTP,
		Description: "Query a CloudBase data model's records (OData): filter, select, orderby, top/skip paging, optional total count. Results over 64 KB are cut with a note on how to page.",
		ReadOnly:    true},
		func(ctx context.Context, in *queryRecordsInput) (*queryRecordsOutput, error) {
			if d.httpAPI() == nil {
				return nil, errHTTPAPIMissing
			}
			top := defaultTop
			if in.Top != nil {
				top = *in.Top
			}
			page, err := d.httpAPI().QueryRecords(ctx, tcb.RecordQuery{EnvType: in.EnvType, Datasource: in.Datasource,
				Filter: in.Filter, Select: in.Select, OrderBy: in.OrderBy, Top: top, Skip: in.Skip, Count: in.Count})
			if err != nil {
				return nil, httpAPIError(d.explainRecordsError(ctx, in.EnvType, in.Datasource, err))
			}
			return pageOutput(page, in.Skip, top)
		})
}

// pageOutput keeps whole records up to maxRecordsBytes and says how to get the rest.
func pageOutput(page *tcb.RecordPage, skip, top int) (*queryRecordsOutput, error) {
	out := &queryRecordsOutput{Records: []map[string]any{}, Total: page.Count, RequestId: page.RequestID}
	size := 0
	for _, raw := range page.Records {
		if size+len(raw)+1 > maxRecordsBytes {
			break
		}
		var rec map[string]any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber() // ids and counters stay exact
		if err := dec.Decode(&rec); err != nil {
			return nil, fmt.Errorf("record %d of the answer is not a JSON object", len(out.Records)+skip)
		}
		out.Records = append(out.Records, rec)
		size += len(raw) + 1
	}
	out.Returned = len(out.Records)
	next := skip + out.Returned
	switch {
	case out.Returned < len(page.Records) && out.Returned == 0:
		out.Note = fmt.Sprintf("The record at skip=%d alone is larger than %d KB: name the fields you need in select.", skip, maxRecordsBytes>>10)
	case out.Returned < len(page.Records):
		out.NextSkip = &next
		out.Note = fmt.Sprintf("Result cut at %d KB: %d of the page's %d records returned. Call again with skip=%d for the rest, or use select to return fewer fields.",
			maxRecordsBytes>>10, out.Returned, len(page.Records), next)
	case page.Count != nil && next < *page.Count:
		out.NextSkip = &next
	case page.Count == nil && out.Returned == top:
		out.NextSkip = &next // a full page: more may follow
	}
	return out, nil
}

type httpRequestInput struct {
	// The seed: "Supported HTTP request methods: POST, GET, PUT, DELETE". No PATCH:
	// a record update is PUT, which replaces the whole record (OData v4).
	Method string            `json:"method" jsonschema:"enum=GET,enum=POST,enum=PUT,enum=DELETE" jsonschema_description:"HTTP method (the HTTP API supports GET, POST, PUT, DELETE; PUT replaces a whole record)"`
	Path   string            `json:"path" jsonschema:"minLength=1,maxLength=1024" jsonschema_description:"Path on the environment's HTTP API host, e.g. /weda/odata/v1/prod/todo('<_id>'); no scheme, host or .."`
	Query  map[string]string `json:"query,omitempty" jsonschema_description:"Query parameters, e.g. {\"$top\": \"10\"}"`
	Body   any               `json:"body,omitempty" jsonschema_description:"JSON body for POST and PUT"`
}

func (in *httpRequestInput) Validate() error {
	var problems []string
	if err := tcb.CheckPath(in.Path); err != nil {
		problems = append(problems, err.Error())
	}
	if in.Body != nil && (in.Method == http.MethodGet || in.Method == http.MethodDelete) {
		problems = append(problems, fmt.Sprintf("body: only POST and PUT take a body (method is %s)", in.Method))
	}
	if len(problems) > 0 {
		return &InputError{Problems: problems}
	}
	return nil
}

type httpRequestOutput struct {
	Status int `json:"status" jsonschema_description:"HTTP status (2xx; errors come back as tool errors)"`
	Body   any `json:"body,omitempty" jsonschema_description:"Response JSON"`
	// BodyText is a response that is not JSON, or one cut at the size cap.
	BodyText  string `json:"bodyText,omitempty" jsonschema_description:"Response that is not JSON, or was cut"`
	Truncated bool   `json:"truncated,omitempty" jsonschema_description:"The response was cut at 64 KB"`
	Note      string `json:"note,omitempty"`
	RequestId string `json:"requestId,omitempty"`
}

func httpRequest(d *Deps) Tool {
	return defineCloudBase(d, Spec{Name: "cloudbase_http_request", Title: "CloudBase HTTP API request", Toolset: ToolsetCloudBaseHTTP,
		Description: "Call the environment's CloudBase HTTP API with a server-managed token (never shown); responses over 64 KB are cut. For data-model records prefer cloudbase_query_records.",
		Destructive: true, ReadOnlyGated: true, CheckWith: "cloudbase_query_records or a GET", Summarize: summarizeHTTPRequest(d)},
		func(ctx context.Context, in *httpRequestInput) (*httpRequestOutput, error) {
			if d.httpAPI() == nil {
				return nil, errHTTPAPIMissing
			}
			if d.ReadOnly && in.Method != http.MethodGet {
				return nil, Invalid("method: only GET is allowed: the server runs with --read-only (got %s)", in.Method)
			}
			var body json.RawMessage
			if in.Body != nil {
				raw, err := json.Marshal(in.Body)
				if err != nil {
					return nil, Invalid("body: %v", err)
				}
				body = raw
			}
			resp, err := d.httpAPI().Do(ctx, tcb.HTTPRequest{Method: in.Method, Path: in.Path, Query: in.Query, Body: body})
			if err != nil {
				return nil, httpAPIError(err)
			}
			return d.responseOutput(resp), nil
		})
}

// summarizeHTTPRequest is the line a user confirms; reads need no confirmation.
func summarizeHTTPRequest(d *Deps) func(ctx context.Context, args map[string]any) (string, error) {
	return func(ctx context.Context, args map[string]any) (string, error) {
		method, _ := args["method"].(string)
		if method == http.MethodGet {
			return "", nil
		}
		path, _ := args["path"].(string)
		env := "(none configured)"
		if d.httpAPI() != nil {
			env = d.httpAPI().EnvID(ctx)
		}
		return fmt.Sprintf("Send %s %s to the HTTP API of CloudBase environment %s", method, clipArg(path), env), nil
	}
}

// responseOutput shapes a 2xx answer: parsed JSON when it fits the cap, else
// text redacted first and cut after, so a cut never leaves part of a secret
// the redactor would no longer recognise.
func (d *Deps) responseOutput(resp *tcb.HTTPResponse) *httpRequestOutput {
	out := &httpRequestOutput{Status: resp.Status, RequestId: resp.RequestID}
	if len(resp.Body) == 0 {
		return out
	}
	if !resp.Truncated && len(resp.Body) <= maxHTTPBodyBytes {
		dec := json.NewDecoder(bytes.NewReader(resp.Body))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) == nil && !dec.More() {
			out.Body = v
			return out
		}
	}
	text := d.Redactor.String(string(resp.Body))
	if len(text) > maxHTTPBodyBytes || resp.Truncated {
		text = cutUTF8(text, maxHTTPBodyBytes)
		out.Truncated = true
		out.Note = fmt.Sprintf("Response cut at %d KB (it was %d bytes or more): ask for less, e.g. $top/$skip/$select in query, or use cloudbase_query_records.",
			maxHTTPBodyBytes>>10, len(resp.Body))
	}
	out.BodyText = text
	return out
}

// cutUTF8 shortens s to at most n bytes without splitting a character.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

var errHTTPAPIMissing = errors.New("the CloudBase HTTP API client is not configured")

// httpAPIError turns client refusals into input errors naming the field;
// cloud errors get their hint where every error is rendered (cloud.ErrorMessage).
func httpAPIError(err error) error {
	var reqErr *tcb.RequestError
	if errors.As(err, &reqErr) {
		return &InputError{Problems: []string{reqErr.Error()}}
	}
	return err
}

func clipArg(s string) string {
	if len(s) > 80 {
		return cutUTF8(s, 77) + "..."
	}
	return s
}

// symbolicOperator is the first comparison written as a symbol (=, !=, <>,
// <, <=, >, >=, ==) outside a quoted string, or "": OData says eq, ne, lt….
func symbolicOperator(filter string) string {
	quoted := false
	for i := 0; i < len(filter); i++ {
		c := filter[i]
		switch {
		case c == '\'':
			quoted = !quoted // '' inside a string toggles twice: still inside
		case quoted:
		case c == '=' || c == '<' || c == '>' || c == '!':
			j := i + 1
			for j < len(filter) && j < i+2 && strings.ContainsRune("=<>", rune(filter[j])) {
				j++
			}
			return filter[i:j]
		}
	}
	return ""
}
