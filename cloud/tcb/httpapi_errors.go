package tcb

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// HTTPError is an error answer of the HTTP API, in either of the documented
// formats: {"code","requestId","message"} from the common checks (token,
// host, environment, rate) or {"Response":{"Error":{Code,Message},"RequestId"}}
// from business APIs. Code is empty when the answer had neither shape.
type HTTPError struct {
	Method    string
	Path      string
	Status    int
	Code      string
	Message   string
	RequestID string
}

// CloudRequestID implements cloud.RequestIDCarrier.
func (e *HTTPError) CloudRequestID() string { return e.RequestID }

func (e *HTTPError) Error() string {
	code := e.Code
	if code == "" {
		code = "HTTP_" + fmt.Sprint(e.Status)
	}
	rid := e.RequestID
	if rid == "" {
		rid = "none"
	}
	return fmt.Sprintf("CloudBase HTTP API %s %s failed: HTTP %d %s: %s (RequestId: %s)", e.Method, e.Path, e.Status, code, e.Message, rid)
}

// Hint says what to do about the error, or "" when there is nothing general to say.
func (e *HTTPError) Hint() string { return HTTPHint(e.Code, e.Method != http.MethodGet) }

// HTTPHint maps an HTTP API error code (the table of the CloudBase HTTP API documentation, then the API 3.0
// codes business errors use) to advice a user can act on.
func HTTPHint(code string, mutating bool) string {
	switch code {
	case "INVALID_ACCESS_TOKEN":
		return "The access token was refused even after a fresh one was obtained: check that the SecretId/SecretKey belong to this environment's account."
	case "BAD_REQUEST":
		return "The request was malformed: check the path, the query options and that the body is a JSON object."
	case "INVALID_HOST":
		return "The HTTP API host is wrong: check --tcb-http-endpoint (it should contain {env})."
	case "INVALID_REGION":
		return "The environment lives in another region: set TENCENTCLOUD_REGION (or --region) to its region."
	case "INVALID_ENV":
		return "The environment does not exist or belongs to another account: check TENCENTCLOUD_TCB_ENVID and the credentials."
	case "INVALID_ENV_STATUS":
		return "The environment is not available (suspended, expired or still being created): check it in the CloudBase console."
	case "INVALID_COMMON_PARAM":
		return "A common parameter (headers, credential format) was rejected: check TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY."
	case "SIGN_PARAM_INVALID":
		return "The credentials did not verify: check TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY."
	case "PERMISSION_DENIED":
		return "The credentials may not use this API or data: grant the CAM policy or the data model permission."
	case "EXCEED_REQUEST_LIMIT":
		return "A resource quota of the environment is used up: check its plan and usage in the console."
	case "EXCEED_RATELIMIT":
		if mutating {
			return "QPS limit exceeded; the request was rejected before it ran and was not resent: wait a few seconds and send it again."
		}
		return "QPS limit exceeded; the server already retried with backoff: wait a few seconds and try again."
	case "SYS_ERR", "SERVER_TIMEOUT":
		if mutating {
			return "CloudBase failed or timed out; the change may or may not have applied: read the data back before trying again."
		}
		return "CloudBase failed or timed out: try again shortly."
	}
	return Hint(code)
}

// RequestError is a request the client refused to build; Field names the
// argument at fault and Problem the rule it broke.
type RequestError struct {
	Field   string
	Problem string
}

func (e *RequestError) Error() string { return e.Field + ": " + e.Problem }

// errorBody holds every field either error format (or an OAuth one) may carry.
type errorBody struct {
	Code             json.RawMessage `json:"code"`
	Message          string          `json:"message"`
	RequestID        string          `json:"requestId"`
	Error            string          `json:"error"`
	ErrorDescription string          `json:"error_description"`
	Response         *struct {
		RequestId string `json:"RequestId"`
		Error     *struct {
			Code    string `json:"Code"`
			Message string `json:"Message"`
		} `json:"Error"`
	} `json:"Response"`
}

// commonCodes are the documented common error codes (the CloudBase HTTP API documentation): a 2xx answer made only of
// one of them is still an error.
var commonCodes = map[string]bool{"INVALID_ACCESS_TOKEN": true, "BAD_REQUEST": true, "INVALID_HOST": true,
	"INVALID_REGION": true, "INVALID_ENV": true, "INVALID_ENV_STATUS": true, "INVALID_COMMON_PARAM": true,
	"SIGN_PARAM_INVALID": true, "PERMISSION_DENIED": true, "EXCEED_REQUEST_LIMIT": true, "EXCEED_RATELIMIT": true,
	"SYS_ERR": true, "SERVER_TIMEOUT": true}

// responseError returns the error resp carries, or nil for a success.
func responseError(method, path string, resp *HTTPResponse) *HTTPError {
	e := &HTTPError{Method: method, Path: path, Status: resp.Status, RequestID: resp.RequestID}
	var b errorBody
	parsed := !resp.Truncated && json.Unmarshal(resp.Body, &b) == nil
	code := ""
	if parsed {
		code = rawCode(b.Code)
	}
	ok := resp.Status >= 200 && resp.Status < 300
	switch {
	case parsed && b.Response != nil && b.Response.Error != nil && b.Response.Error.Code != "":
		e.Code, e.Message = b.Response.Error.Code, b.Response.Error.Message
		e.RequestID = firstNonEmpty(b.Response.RequestId, e.RequestID)
		return e
	case ok && commonCodes[code] && b.RequestID != "":
	case ok:
		return nil
	case parsed && code != "":
	case parsed && b.Error != "":
		e.Code, e.Message = b.Error, b.ErrorDescription
		return e
	case resp.Status >= 300 && resp.Status < 400:
		e.Message = "the API answered with a redirect, which is not followed"
		return e
	default:
		e.Message = http.StatusText(resp.Status)
		if looksLikeMarkup(resp) {
			// An HTML error page from a proxy or gateway says nothing the model can act on.
			media, _, _ := strings.Cut(resp.ContentType, ";")
			e.Message += fmt.Sprintf(" (a non-JSON %s page of %d bytes, not shown)", firstNonEmpty(strings.TrimSpace(media), "text"), len(resp.Body))
		} else if s := snippet(resp.Body); s != "" {
			e.Message += ": " + s
		}
		return e
	}
	e.Code, e.Message, e.RequestID = code, b.Message, firstNonEmpty(b.RequestID, e.RequestID)
	return e
}

// rawCode reads a code that may be a JSON string or number.
func rawCode(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// looksLikeMarkup reports an HTML/XML body, by content type or first byte.
func looksLikeMarkup(resp *HTTPResponse) bool {
	ct := strings.ToLower(resp.ContentType)
	body := strings.TrimSpace(string(resp.Body[:min(len(resp.Body), 64)]))
	return strings.Contains(ct, "html") || strings.Contains(ct, "xml") || strings.HasPrefix(body, "<")
}

// snippet is the start of an unrecognised error body, on one line.
func snippet(body []byte) string {
	const max = 200
	s := strings.Join(strings.Fields(string(body)), " ")
	if len(s) > max {
		s = s[:max]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "…"
	}
	return s
}

func firstNonEmpty(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
