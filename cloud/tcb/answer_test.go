package tcb_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
)

// answerWith replaces the sandbox's answer (after it verified the signature).
func answerWith(status int, body string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		})
	}
}

// The answer is decoded once, by encoding/json, into the caller's struct: an
// integer beyond float64's 53 bits survives (the SDK's map turned it into a
// float64 on the way).
func TestAnswerDecodedExactlyIntoTheStruct(t *testing.T) {
	c, _ := newClient(t, answerWith(200, `{"Response":{"Total":9007199254740993,"Name":"é\u00e9","RequestId":"req-1"}}`))
	var out struct {
		Total     int64
		Name      string
		RequestId string
	}
	if err := c.Call(context.Background(), "DescribeSomething", nil, &out, false); err != nil {
		t.Fatal(err)
	}
	if out.Total != 9007199254740993 || out.Name != "éé" || out.RequestId != "req-1" {
		t.Fatalf("decoded %+v", out)
	}
}

// Errors still reach the SDK's own mapping: code, message and request id.
func TestAnswerErrorsMappedAsBefore(t *testing.T) {
	c, _ := newClient(t, answerWith(200, `{"Response":{"Error":{"Code":"InvalidParameter","Message":"bad EnvId"},"RequestId":"req-2"}}`))
	err := c.Call(context.Background(), "DescribeSomething", nil, &struct{}{}, false)
	var api *tcb.APIError
	if !errors.As(err, &api) || api.Code != "InvalidParameter" || api.Message != "bad EnvId" || api.RequestID != "req-2" {
		t.Fatalf("err = %#v", err)
	}
	for _, body := range []string{`{"Response":`, `{"NotResponse":{}}`, `[]`} {
		c, _ := newClient(t, answerWith(200, body))
		if err := c.Call(context.Background(), "DescribeSomething", nil, &struct{}{}, false); err == nil {
			t.Fatalf("%s: no error", body)
		}
	}
}
