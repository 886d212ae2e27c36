package telnyx

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// ErrNoAPIKey means no Telnyx API key is configured for the call.
var ErrNoAPIKey = errors.New("no Telnyx API key: set TELNYX_API_KEY in the server's environment " +
	"(HTTP clients may send their own in the X-Telnyx-Api-Key header), or start the server with --sandbox")

// ErrorItem is one entry of Telnyx's error envelope {"errors":[...]}.
type ErrorItem struct {
	Code   string      `json:"code"`
	Title  string      `json:"title"`
	Detail string      `json:"detail,omitempty"`
	Source ErrorSource `json:"source,omitzero"`
	Meta   ErrorMeta   `json:"meta,omitzero"`
}

// ErrorSource says which input caused an error.
type ErrorSource struct {
	Pointer   string `json:"pointer,omitempty"`   // RFC 6901 pointer into the request body
	Parameter string `json:"parameter,omitempty"` // query parameter name
}

// ErrorMeta carries the link to the code's documentation.
type ErrorMeta struct {
	URL string `json:"url,omitempty"`
}

// Field names the offending input in the tools' notation ("settings.idp_entity_id"), or "".
func (e ErrorItem) Field() string {
	if p := e.Source.Pointer; p != "" && p != "/" {
		parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
		for i, s := range parts {
			parts[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
		}
		return strings.Join(parts, ".")
	}
	return e.Source.Parameter
}

// APIError is an error answer from the Telnyx API.
type APIError struct {
	Method, Path string // e.g. POST /addresses
	Status       int
	Errors       []ErrorItem
	RequestID    string        // x-request-id, when the API sent one
	RetryAfter   time.Duration // from a 429's Retry-After
	// Retried is how many times the request was sent again before this answer.
	Retried int
	noRetry bool // the API said x-should-retry: false
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Telnyx %s %s failed: %d %s", e.Method, e.Path, e.Status, http.StatusText(e.Status))
	for i, it := range e.Errors {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		if it.Code != "" {
			b.WriteString(it.Code + " ")
		}
		b.WriteString(it.Title)
		if it.Detail != "" && it.Detail != it.Title {
			b.WriteString(" — " + it.Detail)
		}
		if f := it.Field(); f != "" {
			b.WriteString(" (field " + f + ")")
		}
	}
	if e.RequestID != "" {
		b.WriteString(" (request id " + e.RequestID + ")")
	}
	if h := e.Hint(); h != "" {
		b.WriteString(". " + h)
	}
	return b.String()
}

// Fields lists the inputs the API blamed, in order.
func (e *APIError) Fields() []string {
	var out []string
	for _, it := range e.Errors {
		if f := it.Field(); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// Taken lists the fields whose value the API says is already taken (a
// duplicate of an existing record, not a malformed value).
func (e *APIError) Taken() []string {
	var out []string
	for _, it := range e.Errors {
		if f := it.Field(); f != "" && strings.Contains(strings.ToLower(it.Detail+" "+it.Title), "already been taken") {
			out = append(out, f)
		}
	}
	return out
}

// Hint says what to do about the error.
func (e *APIError) Hint() string {
	switch s := e.Status; {
	case s == http.StatusUnauthorized:
		return "The API key was rejected: check TELNYX_API_KEY (or the session's X-Telnyx-Api-Key header) is a current key from the Telnyx portal"
	case s == http.StatusForbidden:
		return "The API key lacks permission for this operation: use a key of a user allowed to manage account access"
	case s == http.StatusNotFound:
		return "No such record"
	case s == http.StatusUnprocessableEntity || s == http.StatusBadRequest:
		taken := e.Taken()
		if len(taken) > 0 {
			exists := fmt.Sprintf("A record with this %s exists already, so there is nothing to fix if it is the one you meant: "+
				"look it up instead of creating it again", strings.Join(taken, " and "))
			if len(e.Fields()) > len(taken) {
				return "Fix the named field and try again; " + strings.ToLower(exists[:1]) + exists[1:]
			}
			return exists
		}
		if len(e.Fields()) > 0 {
			return "Fix the named field and try again"
		}
		return "Check the required fields and their formats"
	case s == http.StatusConflict:
		return "It conflicts with the current state (e.g. a duplicate): read the current records first"
	case s == http.StatusTooManyRequests:
		wait := "a few seconds"
		if e.RetryAfter > 0 {
			wait = e.RetryAfter.Round(time.Second).String()
		}
		return fmt.Sprintf("Rate limited (already retried %d times); wait %s before trying again", e.Retried, wait)
	case s >= 500:
		return "Telnyx failed internally; try again later"
	}
	return ""
}

// OutcomeUnknownError means a change may have reached Telnyx but no usable
// answer came back: it was not re-sent, and it may or may not have applied.
type OutcomeUnknownError struct {
	Method, Path string
	Err          error
}

func (e *OutcomeUnknownError) Error() string {
	// No "path: text" shape: a path ending in /token would read as a secret's name.
	return fmt.Sprintf("Telnyx %s %s — outcome unknown: the request was sent but no usable answer arrived (%v); it was not retried",
		e.Method, e.Path, e.Err)
}

func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// OutcomeUnknown marks the error as cloud.OutcomeUnknown.
func (e *OutcomeUnknownError) OutcomeUnknown() {}

// CloudRequestID implements cloud.RequestIDCarrier.
func (e *APIError) CloudRequestID() string { return e.RequestID }

// NotFound implements cloud.NotFounder.
func (e *APIError) NotFound() bool { return e.Status == 404 }

// TransportError is a failure to get a usable answer to a request that
// changed nothing (a read, or a change the API certainly did not receive).
type TransportError struct {
	Method, Path string
	Err          error
}

func (e *TransportError) Error() string {
	return fmt.Sprintf("Telnyx %s %s failed: %v", e.Method, e.Path, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }
