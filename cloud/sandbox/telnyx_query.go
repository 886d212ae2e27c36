package sandbox

import (
	"fmt"
	"net/http"
	"sort"
	"time"
)

// The list operations' query parameters, as the telnyx Node SDK declares them.
// A parameter an operation does not define is refused naming it, never
// silently dropped: a filter the API ignored would return an unfiltered list
// that looks filtered.

var (
	tnxAccessIPQuery = []string{"filter[ip_source]", "filter[ip_address]", "filter[created_at]",
		"filter[created_at][gt]", "filter[created_at][gte]", "filter[created_at][lt]", "filter[created_at][lte]"}
	tnxAddressQuery = []string{"filter[customer_reference]", "filter[customer_reference][eq]",
		"filter[customer_reference][contains]", "filter[used_as_emergency]", "filter[street_address][contains]",
		"filter[address_book][eq]", "sort"}
	tnxAuthProviderQuery = []string{"sort"}
	tnxSecretQuery       = []string{"filter[type]"}
)

// tnxOnlyQuery refuses (400, code 10015, source.parameter) any query
// parameter outside allowed and the page[number]/page[size] pair.
func tnxOnlyQuery(r *http.Request, allowed ...string) error {
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var items []tnxErrorItem
	for _, k := range keys {
		if k == "page[number]" || k == "page[size]" || contains(allowed, k) {
			continue
		}
		items = append(items, tnxErrorItem{Code: tnxCodeBadRequest, Title: "Invalid query parameter",
			Detail: fmt.Sprintf("%s is not a query parameter of this operation; it accepts page[number], page[size]%s.", k, listSuffix(allowed)),
			Source: tnxErrorSource{Parameter: k}})
	}
	if len(items) > 0 {
		return &telnyxErr{http.StatusBadRequest, items}
	}
	return nil
}

func listSuffix(allowed []string) string {
	s := ""
	for _, a := range allowed {
		s += ", " + a
	}
	return s
}

// tnxTimeFilter is filter[<field>] (exact) and its [gt]/[gte]/[lt]/[lte] forms.
type tnxTimeFilter struct {
	eq, gt, gte, lt, lte *time.Time
}

// tnxParseTimeFilter reads the creation-time filter of field; an unparsable
// value is 422 naming the parameter.
func tnxParseTimeFilter(r *http.Request, field string) (tnxTimeFilter, error) {
	var f tnxTimeFilter
	q := r.URL.Query()
	for _, p := range []struct {
		op  string
		dst **time.Time
	}{{"", &f.eq}, {"[gt]", &f.gt}, {"[gte]", &f.gte}, {"[lt]", &f.lt}, {"[lte]", &f.lte}} {
		name := "filter[" + field + "]" + p.op
		v := q.Get(name)
		if v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return f, tnxUnprocessable(tnxErrorItem{Code: tnxCodeBadRequest, Title: "Invalid filter",
				Detail: name + " must be an ISO 8601 date-time such as 2026-01-02T15:04:05Z.", Source: tnxErrorSource{Parameter: name}})
		}
		*p.dst = &t
	}
	return f, nil
}

// match reports whether the RFC 3339 time s passes every bound given.
func (f tnxTimeFilter) match(s string) bool {
	if f.eq == nil && f.gt == nil && f.gte == nil && f.lt == nil && f.lte == nil {
		return true
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return false
	}
	return (f.eq == nil || t.Equal(*f.eq)) && (f.gt == nil || t.After(*f.gt)) && (f.gte == nil || !t.Before(*f.gte)) &&
		(f.lt == nil || t.Before(*f.lt)) && (f.lte == nil || !t.After(*f.lte))
}
