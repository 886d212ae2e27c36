package sandbox

import (
	"encoding/json"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// A GET request carries the action's parameters in the query string, the way
// the official SDKs flatten them: nested fields as "Name.Message", list items
// as "Localized.0.Message", every value a string. queryBody turns them back
// into the JSON object a POST would carry, marked so that decodeStrict gives
// each string the type the action's field declares.

// queryMarker is a key no real parameter has (parameters are PascalCase words).
const queryMarker = "\x00query"

func queryBody(q url.Values) json.RawMessage {
	root := map[string]any{queryMarker: true}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		node := root
		parts := strings.Split(k, ".")
		for _, p := range parts[:len(parts)-1] {
			next, ok := node[p].(map[string]any)
			if !ok {
				next = map[string]any{}
				node[p] = next
			}
			node = next
		}
		node[parts[len(parts)-1]] = q.Get(k)
	}
	raw, _ := json.Marshal(listify(root))
	return raw
}

// listify turns objects whose keys are exactly 0..n-1 into lists.
func listify(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	for k, x := range m {
		m[k] = listify(x)
	}
	if len(m) == 0 {
		return m
	}
	list := make([]any, len(m))
	for k, x := range m {
		i, err := strconv.Atoi(k)
		if err != nil || i < 0 || i >= len(m) {
			return m
		}
		list[i] = x
	}
	return list
}

// typeQueryValues rewrites the string values of m (a query-decoded object) to
// the JSON types the fields of t declare; strings stay strings and unknown
// fields are left for the strict decoder to refuse.
func typeQueryValues(m map[string]json.RawMessage, t reflect.Type) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		raw, ok := m[name]
		if !ok {
			continue
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return err
		}
		typed, err := typeQueryValue(v, f.Type)
		if err != nil {
			return errf("InvalidParameterValue", "The parameter %s: %v.", name, err)
		}
		m[name], _ = json.Marshal(typed)
	}
	return nil
}

func typeQueryValue(v any, t reflect.Type) (any, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch x := v.(type) {
	case string:
		switch t.Kind() {
		case reflect.Bool:
			return strconv.ParseBool(x)
		case reflect.Int, reflect.Int64, reflect.Int32:
			return strconv.ParseInt(x, 10, 64)
		case reflect.Float64:
			return strconv.ParseFloat(x, 64)
		}
		return x, nil
	case []any:
		if t.Kind() != reflect.Slice {
			return x, nil
		}
		for i := range x {
			y, err := typeQueryValue(x[i], t.Elem())
			if err != nil {
				return nil, err
			}
			x[i] = y
		}
		return x, nil
	case map[string]any:
		if t.Kind() != reflect.Struct {
			return x, nil
		}
		sub := map[string]json.RawMessage{}
		for k, y := range x {
			sub[k], _ = json.Marshal(y)
		}
		if err := typeQueryValues(sub, t); err != nil {
			return nil, err
		}
		out := map[string]any{}
		for k, y := range sub {
			var z any
			_ = json.Unmarshal(y, &z)
			out[k] = z
		}
		return out, nil
	}
	return v, nil
}
