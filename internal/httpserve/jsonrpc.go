package httpserve

import (
	"bytes"
	"encoding/json"
	"net/http"
)

// JSON-RPC error codes used for answers the HTTP layer gives itself.
const (
	codeInvalidRequest = -32600
	codeServerBusy     = -32000
)

// reject answers a request the transport refuses before the MCP server sees
// it: the HTTP status for proxies and plain clients, a JSON-RPC error body for
// MCP clients. msg must not contain anything the client did not send.
func reject(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"jsonrpc": "2.0", "id": nil,
		"error": map[string]any{"code": codeFor(status), "message": msg},
	})
}

func codeFor(status int) int {
	if status == http.StatusServiceUnavailable {
		return codeServerBusy
	}
	return codeInvalidRequest
}

// message is the part of a JSON-RPC message the transport looks at.
type message struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Result json.RawMessage `json:"result"`
	Error  json.RawMessage `json:"error"`
}

// isRequest reports whether body is one JSON-RPC request (a method and an id),
// as opposed to a notification, a response, a batch or garbage.
func isRequest(body []byte) bool {
	var m message
	if json.Unmarshal(body, &m) != nil {
		return false
	}
	return m.Method != "" && hasID(m.ID)
}

// isResponse reports whether body is one JSON-RPC response (an id and a result or error, no method).
func isResponse(body []byte) bool {
	var m message
	if json.Unmarshal(body, &m) != nil {
		return false
	}
	return m.Method == "" && hasID(m.ID) && (m.Result != nil || m.Error != nil)
}

func hasID(id json.RawMessage) bool {
	return len(id) > 0 && !bytes.Equal(id, []byte("null"))
}
