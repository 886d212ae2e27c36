package tcb

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
)

// The SDK signs and sends; it then parsed each answer six times with its own
// JSON codec (twice for errors while reading, twice more for errors and the
// body, into a map, and back out of the map for us), a third of a read tool
// call's CPU. answerTransport, under the SDK's HTTP client, keeps a successful
// answer's body for Call to decode once, with encoding/json, straight into the
// caller's struct, and hands the SDK an empty success envelope instead.
// Anything else — an API error, a non-200 status, a body that is not a
// Response object — reaches the SDK unchanged, so its error mapping (codes,
// messages, request ids) is the same as before.

// answerSlot receives the body of one successful answer.
type answerSlot struct{ body []byte }

type answerSlotKey struct{}

func withAnswerSlot(ctx context.Context, s *answerSlot) context.Context {
	return context.WithValue(ctx, answerSlotKey{}, s)
}

// emptyAnswer is what the SDK parses instead of a kept body.
var emptyAnswer = []byte(`{"Response":{}}`)

type answerTransport struct{ next http.RoundTripper }

func (t answerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	slot, _ := req.Context().Value(answerSlotKey{}).(*answerSlot)
	if err != nil || slot == nil || resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Encoding") != "" {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err // as the SDK's read would have failed: a transport error
	}
	if !successEnvelope(body) {
		resp.Body = io.NopCloser(bytes.NewReader(body))
		return resp, nil
	}
	slot.body = body
	resp.Body = io.NopCloser(bytes.NewReader(emptyAnswer))
	resp.ContentLength = int64(len(emptyAnswer))
	resp.Header.Set("Content-Length", strconv.Itoa(len(emptyAnswer)))
	return resp, nil
}

// successEnvelope reports whether body is {"Response":{...}} without an Error.
func successEnvelope(body []byte) bool {
	var env struct {
		Response *struct {
			Error *struct {
				Code string `json:"Code"`
			} `json:"Error"`
		} `json:"Response"`
	}
	return json.Unmarshal(body, &env) == nil && env.Response != nil && (env.Response.Error == nil || env.Response.Error.Code == "")
}
