package tools_test

import (
	"strings"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// Data-model discovery end to end: the list tool and resource read the HTTP
// API's schemaList from the sandbox, and records errors name what exists.

func modelNamesOf(res map[string]any) []string {
	var names []string
	for _, m := range res["models"].([]any) {
		names = append(names, m.(map[string]any)["name"].(string))
	}
	return names
}

func TestListDataModels(t *testing.T) {
	e := testenv.New(t)
	res := e.OK("cloudbase_list_data_models", nil)
	if got := strings.Join(modelNamesOf(res), ","); got != "orders,sys_user,todo" || res["envType"] != "prod" || res["requestId"] == "" {
		t.Fatalf("models: %v", res)
	}
	one := e.OK("cloudbase_list_data_models", map[string]any{"name": "orders"})
	m := one["models"].([]any)[0].(map[string]any)
	if m["title"] != "Orders" || m["id"] == "" {
		t.Fatalf("orders: %v", m)
	}
	fields := map[string]map[string]any{}
	for _, f := range m["fields"].([]any) {
		fields[f.(map[string]any)["name"].(string)] = f.(map[string]any)
	}
	if fields["status"]["type"] != "string" || fields["amount"]["required"] != true || fields["_id"]["system"] != true {
		t.Fatalf("orders fields: %v", fields)
	}
	// The fields found are the ones the records tool filters on.
	paid := e.OK("cloudbase_query_records", map[string]any{"datasource": "orders", "filter": "status eq 'paid'", "count": true})
	if paid["total"] != float64(2) {
		t.Fatalf("paid orders: %v", paid)
	}
	if n := len(modelNamesOf(e.OK("cloudbase_list_data_models", map[string]any{"envType": "pre"}))); n != 3 {
		t.Fatalf("pre models: %d", n)
	}
	msg := e.Err("cloudbase_list_data_models", map[string]any{"name": "invoices"})
	if !strings.Contains(msg, `name: no data model "invoices" in prod; the models are: orders, sys_user, todo`) {
		t.Fatalf("unknown model: %s", msg)
	}
}

func TestRecordsErrorsNameWhatExists(t *testing.T) {
	e := testenv.New(t)
	msg := e.Err("cloudbase_query_records", map[string]any{"datasource": "order"})
	if !strings.Contains(msg, "The data models in prod are: orders, sys_user, todo") || !strings.Contains(msg, "RequestId") {
		t.Fatalf("unknown model: %s", msg)
	}
	msg = e.Err("cloudbase_query_records", map[string]any{"datasource": "orders", "filter": "state eq 'paid'"})
	if !strings.Contains(msg, `unknown field "state"`) || !strings.Contains(msg, "The fields of orders are: _id, createdAt, updatedAt, amount, currency, customer, orderNo, status") {
		t.Fatalf("unknown filter field: %s", msg)
	}
	msg = e.Err("cloudbase_query_records", map[string]any{"datasource": "orders", "select": "state"})
	if strings.Count(msg, "amount") != 1 {
		t.Fatalf("unknown select field lists the fields once: %s", msg)
	}
}

func TestDataModelResources(t *testing.T) {
	e := testenv.New(t)
	all, mime, err := e.Read("cloudbase://datamodels")
	if err != nil || mime != "application/json" || !strings.Contains(all, `"name":"orders"`) || !strings.Contains(all, `"name":"orderNo"`) {
		t.Fatalf("datamodels: %v %s", err, all)
	}
	one, _, err := e.Read("cloudbase://datamodels/todo")
	if err != nil || !strings.Contains(one, `"title":"To-do items"`) || !strings.Contains(one, `"name":"priority"`) {
		t.Fatalf("datamodels/todo: %v %s", err, one)
	}
	_, _, err = e.Read("cloudbase://datamodels/nope")
	if err == nil || !strings.Contains(err.Error(), "the models are: orders, sys_user, todo") {
		t.Fatalf("unknown model resource: %v", err)
	}
}
