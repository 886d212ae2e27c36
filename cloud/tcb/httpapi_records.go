package tcb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/cloudops-mcp/cloudops-mcp/internal/lazyre"
)

// Data-model records over the HTTP API: GET /weda/odata/v1/<prod|pre>/<datasource>
// with OData v4 query options.

// DatasourcePattern is what a data model identifier looks like.
const DatasourcePattern = `^[A-Za-z][A-Za-z0-9_]{0,63}$`

var datasourceRE = lazyre.New(DatasourcePattern)

// RecordQuery selects records of one data model.
type RecordQuery struct {
	EnvType    string // prod (default) or pre
	Datasource string
	Filter     string // OData $filter
	Select     string // OData $select: comma-separated fields
	OrderBy    string // OData $orderby: "field [asc|desc], …"
	Top        int    // $top; zero omits it (the server's default page)
	Skip       int
	Count      bool // ask for the total matching the filter
}

// RecordPage is one page of records.
type RecordPage struct {
	Records []json.RawMessage
	// Count is the total matching the filter, when asked for.
	Count     *int
	RequestID string
}

// RecordsPath is the collection path of a data model.
func RecordsPath(envType, datasource string) string {
	return "/weda/odata/v1/" + envType + "/" + datasource
}

// QueryRecords reads one page of a data model's records.
func (c *HTTPClient) QueryRecords(ctx context.Context, q RecordQuery) (*RecordPage, error) {
	if q.EnvType == "" {
		q.EnvType = "prod"
	}
	if q.EnvType != "prod" && q.EnvType != "pre" {
		return nil, &RequestError{Field: "envType", Problem: fmt.Sprintf("must be prod or pre (got %q)", q.EnvType)}
	}
	if !datasourceRE.MatchString(q.Datasource) {
		return nil, &RequestError{Field: "datasource", Problem: fmt.Sprintf("must match %s (got %q)", DatasourcePattern, clip(q.Datasource))}
	}
	if q.Top < 0 || q.Skip < 0 {
		return nil, &RequestError{Field: "top/skip", Problem: "must not be negative"}
	}
	query := map[string]string{}
	set := func(k, v string) {
		if v != "" {
			query[k] = v
		}
	}
	set("$filter", q.Filter)
	set("$select", q.Select)
	set("$orderby", q.OrderBy)
	if q.Top > 0 {
		query["$top"] = strconv.Itoa(q.Top)
	}
	if q.Skip > 0 {
		query["$skip"] = strconv.Itoa(q.Skip)
	}
	if q.Count {
		query["$count"] = "true"
	}
	path := RecordsPath(q.EnvType, q.Datasource)
	resp, err := c.Do(ctx, HTTPRequest{Method: http.MethodGet, Path: path, Query: query})
	if err != nil {
		return nil, err
	}
	what := "GET " + path
	if resp.Truncated {
		return nil, &TransportError{Action: what, Err: fmt.Errorf("the answer is larger than %d bytes: ask for fewer records (top) or fields (select)", c.cfg.MaxResponseBytes)}
	}
	var page struct {
		Count *int              `json:"@odata.count"`
		Value []json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(resp.Body, &page); err != nil {
		return nil, &TransportError{Action: what, Err: errors.New("the answer is not an OData collection (JSON with a value array)")}
	}
	if page.Value == nil {
		return nil, &TransportError{Action: what, Err: errors.New("the answer has no value array")}
	}
	return &RecordPage{Records: page.Value, Count: page.Count, RequestID: resp.RequestID}, nil
}
