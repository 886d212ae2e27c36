package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/cloudops-mcp/cloudops-mcp/internal/lazyre"
)

// The data-model records API: /weda/odata/v1/<prod|pre>/<datasource> with
// OData v4 conventions. Collection GET takes $filter, $select, $orderby, $top,
// $skip and $count and answers {"@odata.context","@odata.count","value"};
// POST creates (201 with the record); <datasource>('<id>') is one record:
// GET, PUT (204, replaces the record), DELETE (204). Records always carry the system fields _id,
// createdAt and updatedAt (Unix ms); $select keeps _id so a record can be
// addressed.

// RecordsState holds an environment's data models, by env type.
type RecordsState struct {
	Prod map[string]*Model `json:"prod"`
	Pre  map[string]*Model `json:"pre"`

	issued []string // latest access tokens issued (not persisted)
}

// Model is one data model: its schema and its records in creation order.
type Model struct {
	// Title is the model's display name.
	Title string `json:"title,omitempty"`
	// Fields maps each user field to its type: string, number or boolean.
	Fields   map[string]string `json:"fields"`
	Required []string          `json:"required,omitempty"`
	Records  []map[string]any  `json:"records"`
}

const (
	odataDefaultTop = 100
	odataMaxTop     = 1000
	maxModelRecords = 10000
	maxFilterLen    = 4000
)

var (
	odataPathRE = lazyre.New(`^(prod|pre)/([A-Za-z][A-Za-z0-9_]{0,63})(?:\('((?:[^']|'')*)'\))?$`)
	recordIDRE  = lazyre.New(`^[A-Za-z0-9_-]{1,64}$`)
	systemField = map[string]string{"_id": "string", "createdAt": "number", "updatedAt": "number"}
)

// fieldType returns the type of a user or system field.
func (m *Model) fieldType(name string) (string, bool) {
	if t, ok := systemField[name]; ok {
		return t, true
	}
	t, ok := m.Fields[name]
	return t, ok
}

func (m *Model) fieldNames() string {
	names := []string{"_id", "createdAt", "updatedAt"}
	names = append(names, sortedKeys(m.Fields)...)
	return strings.Join(names, ", ")
}

func (m *Model) find(id string) int {
	for i, r := range m.Records {
		if r["_id"] == id {
			return i
		}
	}
	return -1
}

func (s *Server) serveOData(w http.ResponseWriter, r *http.Request) {
	reqID := newRequestID()
	w.Header().Set("X-Request-Id", reqID)
	status, out, e := s.handleOData(r)
	if e != nil {
		writeHTTPAPIError(w, reqID, e)
		return
	}
	if out == nil {
		w.WriteHeader(status)
		return
	}
	writeJSON(w, status, out)
}

func (s *Server) handleOData(r *http.Request) (int, any, *httpAPIError) {
	var body []byte
	if r.Method == http.MethodPost || r.Method == http.MethodPut {
		b, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
		if err != nil || len(b) > maxBodyBytes {
			return 0, nil, commonErr(http.StatusRequestEntityTooLarge, "BAD_REQUEST", "the request body exceeds 1 MB")
		}
		body = b
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	env, e := s.authorizeHTTP(r)
	if e != nil {
		return 0, nil, e
	}
	m := odataPathRE.FindStringSubmatch(strings.TrimPrefix(r.URL.Path, odataPrefix))
	if m == nil {
		return 0, nil, commonErr(http.StatusBadRequest, "BAD_REQUEST",
			"path must be /weda/odata/v1/<prod|pre>/<datasource> or …/<datasource>('<id>')")
	}
	envType, name, keyed := m[1], m[2], strings.Contains(r.URL.Path, "(")
	id := strings.ReplaceAll(m[3], "''", "'")
	s.counts["odata:"+r.Method]++
	models := s.records(env).Prod
	if envType == "pre" {
		models = s.records(env).Pre
	}
	model := models[name]
	if model == nil {
		return 0, nil, businessErr(http.StatusNotFound, "ResourceNotFound", fmt.Sprintf("data model %s does not exist in %s", name, envType))
	}
	ctx := odataContext(envType, name, keyed)
	var (
		status int
		out    any
	)
	mutating := false
	switch {
	case !keyed && r.Method == http.MethodGet:
		status = http.StatusOK
		out, e = model.query(ctx, r.URL.Query())
	case !keyed && r.Method == http.MethodPost:
		status, mutating = http.StatusCreated, true
		out, e = s.createRecord(model, odataContext(envType, name, true), body)
	case keyed && r.Method == http.MethodGet:
		status = http.StatusOK
		out, e = model.get(ctx, name, id, r.URL.Query())
	case keyed && r.Method == http.MethodPut:
		status, mutating = http.StatusNoContent, true
		e = s.replaceRecord(model, name, id, body)
	case keyed && r.Method == http.MethodDelete:
		status, mutating = http.StatusNoContent, true
		e = model.remove(name, id)
	default:
		// The seed: "Supported HTTP request methods: POST, GET, PUT, DELETE" (no PATCH).
		return 0, nil, commonErr(http.StatusMethodNotAllowed, "BAD_REQUEST", r.Method+" is not supported here: the HTTP API takes POST, GET, PUT and DELETE; "+
			"collections take GET and POST, records GET, PUT (replaces the record) and DELETE")
	}
	if e != nil {
		return 0, nil, e
	}
	if mutating {
		if err := s.saveLocked(); err != nil {
			return 0, nil, commonErr(http.StatusInternalServerError, "SYS_ERR", err.Error())
		}
	}
	return status, out, nil
}

func odataContext(envType, name string, entity bool) string {
	c := odataPrefix + envType + "/$metadata#" + name
	if entity {
		c += "/$entity"
	}
	return c
}

// query answers a collection GET.
func (m *Model) query(ctx string, q url.Values) (any, *httpAPIError) {
	for k := range q {
		switch k {
		case "$filter", "$select", "$orderby", "$top", "$skip", "$count":
		default:
			if strings.HasPrefix(k, "$") {
				return nil, businessErr(http.StatusBadRequest, "InvalidParameter", "unsupported query option "+k+"; supported: $filter, $select, $orderby, $top, $skip, $count")
			}
		}
	}
	match := func(map[string]any) bool { return true }
	if f := q.Get("$filter"); f != "" {
		if len(f) > maxFilterLen {
			return nil, businessErr(http.StatusBadRequest, "InvalidParameter", fmt.Sprintf("$filter is longer than %d characters", maxFilterLen))
		}
		p, err := parseFilter(f, m.fieldType)
		if err != nil {
			return nil, businessErr(http.StatusBadRequest, "InvalidParameter", "$filter: "+err.Error())
		}
		match = p
	}
	top, e := intOption(q, "$top", odataDefaultTop, odataMaxTop)
	if e != nil {
		return nil, e
	}
	skip, e := intOption(q, "$skip", 0, math32)
	if e != nil {
		return nil, e
	}
	count := false
	switch q.Get("$count") {
	case "", "false":
	case "true":
		count = true
	default:
		return nil, businessErr(http.StatusBadRequest, "InvalidParameter", "$count must be true or false")
	}
	sel, e := m.selectFields(q.Get("$select"))
	if e != nil {
		return nil, e
	}
	var rows []map[string]any
	for _, rec := range m.Records {
		if match(rec) {
			rows = append(rows, rec)
		}
	}
	total := len(rows)
	if ob := q.Get("$orderby"); ob != "" {
		less, e := m.orderBy(ob)
		if e != nil {
			return nil, e
		}
		sort.SliceStable(rows, func(i, j int) bool { return less(rows[i], rows[j]) })
	}
	rows = rows[min(skip, len(rows)):]
	rows = rows[:min(top, len(rows))]
	value := make([]map[string]any, len(rows))
	for i, rec := range rows {
		value[i] = project(rec, sel)
	}
	out := map[string]any{"@odata.context": ctx, "value": value}
	if count {
		out["@odata.count"] = total
	}
	return out, nil
}

const math32 = 1<<31 - 1

func intOption(q url.Values, name string, def, max int) (int, *httpAPIError) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > max {
		return 0, businessErr(http.StatusBadRequest, "InvalidParameter", fmt.Sprintf("%s must be an integer between 0 and %d (got %q)", name, max, v))
	}
	return n, nil
}

// selectFields parses $select; nil means every field.
func (m *Model) selectFields(sel string) (map[string]bool, *httpAPIError) {
	if sel == "" {
		return nil, nil
	}
	out := map[string]bool{"_id": true}
	for _, f := range strings.Split(sel, ",") {
		f = strings.TrimSpace(f)
		if _, ok := m.fieldType(f); !ok {
			return nil, businessErr(http.StatusBadRequest, "InvalidParameter", fmt.Sprintf("$select: unknown field %q; fields: %s", f, m.fieldNames()))
		}
		out[f] = true
	}
	return out, nil
}

func project(rec map[string]any, sel map[string]bool) map[string]any {
	out := make(map[string]any, len(rec))
	for k, v := range rec {
		if sel == nil || sel[k] {
			out[k] = v
		}
	}
	return out
}

// orderBy parses $orderby ("field [asc|desc], …") into a less function.
func (m *Model) orderBy(spec string) (func(a, b map[string]any) bool, *httpAPIError) {
	type key struct {
		field string
		desc  bool
	}
	var keys []key
	for _, item := range strings.Split(spec, ",") {
		parts := strings.Fields(item)
		if len(parts) == 0 || len(parts) > 2 || (len(parts) == 2 && parts[1] != "asc" && parts[1] != "desc") {
			return nil, businessErr(http.StatusBadRequest, "InvalidParameter", fmt.Sprintf("$orderby: want \"field [asc|desc], …\" (got %q)", item))
		}
		if _, ok := m.fieldType(parts[0]); !ok {
			return nil, businessErr(http.StatusBadRequest, "InvalidParameter", fmt.Sprintf("$orderby: unknown field %q; fields: %s", parts[0], m.fieldNames()))
		}
		keys = append(keys, key{parts[0], len(parts) == 2 && parts[1] == "desc"})
	}
	return func(a, b map[string]any) bool {
		for _, k := range keys {
			c := orderValues(a[k.field], b[k.field])
			if c == 0 {
				continue
			}
			return (c < 0) != k.desc
		}
		return false
	}, nil
}

// orderValues orders null first, then booleans, numbers and strings.
func orderValues(a, b any) int {
	rank := func(v any) int {
		switch v.(type) {
		case nil:
			return 0
		case bool:
			return 1
		case float64:
			return 2
		default:
			return 3
		}
	}
	if ra, rb := rank(a), rank(b); ra != rb {
		return ra - rb
	}
	if c, ok := compareValues(a, b); ok {
		return c
	}
	return 0
}

func (m *Model) get(ctx, name, id string, q url.Values) (any, *httpAPIError) {
	i := m.find(id)
	if i < 0 {
		return nil, recordNotFound(name, id)
	}
	sel, e := m.selectFields(q.Get("$select"))
	if e != nil {
		return nil, e
	}
	out := project(m.Records[i], sel)
	out["@odata.context"] = ctx
	return out, nil
}

func recordNotFound(name, id string) *httpAPIError {
	return businessErr(http.StatusNotFound, "ResourceNotFound", fmt.Sprintf("record %q of %s does not exist", id, name))
}

// decodeRecordBody parses a POST/PUT body: a JSON object.
func decodeRecordBody(body []byte) (map[string]any, *httpAPIError) {
	var in map[string]any
	if err := json.Unmarshal(body, &in); err != nil || in == nil {
		return nil, commonErr(http.StatusBadRequest, "BAD_REQUEST", "the request body must be a JSON object")
	}
	return in, nil
}

// checkValue validates one user field of a POST/PUT body.
func (m *Model) checkValue(name string, v any) *httpAPIError {
	t, ok := m.Fields[name]
	if !ok {
		return businessErr(http.StatusBadRequest, "InvalidParameter", fmt.Sprintf("unknown field %q; fields: %s", name, m.fieldNames()))
	}
	got := ""
	switch v.(type) {
	case nil:
		if slices.Contains(m.Required, name) {
			return businessErr(http.StatusBadRequest, "InvalidParameter", fmt.Sprintf("field %q is required and cannot be null", name))
		}
		return nil
	case string:
		got = "string"
	case float64:
		got = "number"
	case bool:
		got = "boolean"
	default:
		got = "object or array"
	}
	if got != t {
		return businessErr(http.StatusBadRequest, "InvalidParameter", fmt.Sprintf("field %q must be a %s (got a %s)", name, t, got))
	}
	return nil
}

func (s *Server) createRecord(m *Model, ctx string, body []byte) (any, *httpAPIError) {
	in, e := decodeRecordBody(body)
	if e != nil {
		return nil, e
	}
	if len(m.Records) >= maxModelRecords {
		return nil, businessErr(http.StatusBadRequest, "LimitExceeded", fmt.Sprintf("a data model holds at most %d records", maxModelRecords))
	}
	rec := map[string]any{}
	for k, v := range in {
		switch k {
		case "_id":
			id, ok := v.(string)
			if !ok || !recordIDRE.MatchString(id) {
				return nil, businessErr(http.StatusBadRequest, "InvalidParameter", "_id must be 1-64 letters, digits, '-' or '_'")
			}
			if m.find(id) >= 0 {
				return nil, businessErr(http.StatusConflict, "ResourceInUse", fmt.Sprintf("a record with _id %q already exists", id))
			}
			rec[k] = id
		case "createdAt", "updatedAt":
			return nil, businessErr(http.StatusBadRequest, "InvalidParameter", k+" is set by the server")
		default:
			if e := m.checkValue(k, v); e != nil {
				return nil, e
			}
			if v != nil {
				rec[k] = v
			}
		}
	}
	for _, f := range m.Required {
		if _, ok := rec[f]; !ok {
			return nil, businessErr(http.StatusBadRequest, "InvalidParameter", fmt.Sprintf("field %q is required", f))
		}
	}
	if rec["_id"] == nil {
		rec["_id"] = randomHex(12)
	}
	now := s.nowMillis()
	rec["createdAt"], rec["updatedAt"] = now, now
	m.Records = append(m.Records, rec)
	out := project(rec, nil)
	out["@odata.context"] = ctx
	return out, nil
}

// replaceRecord is PUT on a record (OData v4: the body replaces the
// entity). _id and createdAt stay; fields not given are removed; required
// fields must be given.
func (s *Server) replaceRecord(m *Model, name, id string, body []byte) *httpAPIError {
	in, e := decodeRecordBody(body)
	if e != nil {
		return e
	}
	i := m.find(id)
	if i < 0 {
		return recordNotFound(name, id)
	}
	for k, v := range in {
		switch k {
		case "_id":
			if v != id {
				return businessErr(http.StatusBadRequest, "InvalidParameter", "_id cannot be changed")
			}
		case "createdAt", "updatedAt":
			return businessErr(http.StatusBadRequest, "InvalidParameter", k+" is set by the server")
		default:
			if e := m.checkValue(k, v); e != nil {
				return e
			}
		}
	}
	for _, f := range m.Required {
		if in[f] == nil {
			return businessErr(http.StatusBadRequest, "InvalidParameter", fmt.Sprintf("field %q is required: PUT replaces the whole record", f))
		}
	}
	old := m.Records[i]
	rec := map[string]any{"_id": id, "createdAt": old["createdAt"], "updatedAt": s.nowMillis()}
	for k, v := range in {
		if k != "_id" && v != nil {
			rec[k] = v
		}
	}
	m.Records[i] = rec
	return nil
}

func (m *Model) remove(name, id string) *httpAPIError {
	i := m.find(id)
	if i < 0 {
		return recordNotFound(name, id)
	}
	m.Records = append(m.Records[:i], m.Records[i+1:]...)
	return nil
}
