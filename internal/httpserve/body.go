package httpserve

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync/atomic"
	"time"
)

type bodyKey struct{}

// readBody buffers a POST body of at most max bytes, read within timeout: a
// larger body gets 413 before any of it is parsed, a slow one 408. Afterwards
// the read deadline is lifted, so a long tool call or stream is not cut by it.
// While the server drains, new JSON-RPC requests get 503; responses (an
// elicitation answer an in-flight call waits for) and notifications still pass.
func readBody(max int64, timeout time.Duration, draining *atomic.Bool, next http.Handler) http.Handler {
	tooLarge := "Request Entity Too Large: the body exceeds " + strconv.FormatInt(max, 10) + " bytes (--max-body-bytes)"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		if r.Method == http.MethodPost && r.Body != nil {
			if r.ContentLength > max {
				reject(w, http.StatusRequestEntityTooLarge, tooLarge)
				return
			}
			_ = rc.SetReadDeadline(time.Now().Add(timeout))
			body, err := io.ReadAll(io.LimitReader(r.Body, max+1))
			switch {
			case errors.Is(err, os.ErrDeadlineExceeded):
				reject(w, http.StatusRequestTimeout, "Request Timeout: the body did not arrive in time")
				return
			case err != nil:
				reject(w, http.StatusBadRequest, "Bad Request: could not read the body")
				return
			case int64(len(body)) > max:
				reject(w, http.StatusRequestEntityTooLarge, tooLarge)
				return
			}
			if draining.Load() && isRequest(body) {
				w.Header().Set("Connection", "close")
				reject(w, http.StatusServiceUnavailable, "Service Unavailable: the server is shutting down")
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			r = r.WithContext(context.WithValue(r.Context(), bodyKey{}, body))
		}
		_ = rc.SetReadDeadline(time.Time{})
		next.ServeHTTP(w, r)
	})
}

// bufferedBody is the body readBody kept, or nil.
func bufferedBody(r *http.Request) []byte {
	b, _ := r.Context().Value(bodyKey{}).([]byte)
	return b
}
