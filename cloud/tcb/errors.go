package tcb

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNoCredentials means no key pair is configured for the call. It lists
// every way to configure one.
var ErrNoCredentials = errors.New("no Tencent Cloud credentials: set TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY " +
	"(+ TENCENTCLOUD_SESSIONTOKEN for temporary keys) in the server's environment; " +
	"or add a profile to ~/.tencentcloud/credentials (a [default] section with secret_id and secret_key lines) or run `tccli configure` " +
	"(~/.tccli/default.credential), choosing a profile other than default with --profile or TENCENTCLOUD_PROFILE; " +
	"or on a CVM/TKE node with a CAM role start with --credential-source role --role-name NAME; " +
	"or try everything offline with --sandbox")

// ErrNoEnv means no CloudBase environment is configured for the call.
var ErrNoEnv = errors.New("no CloudBase environment: set TENCENTCLOUD_TCB_ENVID (or CLOUDBASE_ENV_ID, or --env-id)")

// APIError is an error the cloud answered with.
type APIError struct {
	Action    string
	Code      string
	Message   string
	RequestID string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("CloudBase %s failed: %s: %s (RequestId: %s)", e.Action, e.Code, e.Message, e.RequestID)
}

// CloudRequestID implements cloud.RequestIDCarrier.
func (e *APIError) CloudRequestID() string { return e.RequestID }

// NotFound implements cloud.NotFounder: the named resource does not exist.
func (e *APIError) NotFound() bool { return strings.HasPrefix(e.Code, "ResourceNotFound") }

// Hint says what to do about the error, or "" when there is nothing general to say.
func (e *APIError) Hint() string { return Hint(e.Code) }

// Hint maps a Tencent Cloud API 3.0 error code to advice a user can act on.
func Hint(code string) string {
	switch {
	case code == "AuthFailure.SecretIdNotFound", code == "AuthFailure.InvalidSecretId":
		return "The SecretId is unknown: check TENCENTCLOUD_SECRETID."
	case code == "AuthFailure.SignatureFailure":
		return "The signature did not verify: check TENCENTCLOUD_SECRETKEY matches the SecretId."
	case code == "AuthFailure.SignatureExpire":
		return "The request timestamp is too far from the server's clock: check this machine's clock."
	case code == "AuthFailure.TokenFailure":
		return "The session token is invalid or expired: refresh TENCENTCLOUD_SESSIONTOKEN."
	case code == "AuthFailure.UnauthorizedOperation", code == "UnauthorizedOperation":
		return "The credentials lack permission for this action: grant the CAM policy for tcb."
	case strings.HasPrefix(code, "AuthFailure"):
		return "Check the credential variables TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY."
	case code == "RequestLimitExceeded":
		return "Rate limited; the server already retried with backoff. Wait a few seconds and try again."
	case strings.HasPrefix(code, "ResourceNotFound"):
		return "The environment or object does not exist."
	case strings.HasPrefix(code, "LimitExceeded"):
		return "A quota is reached: delete an unused object first."
	case strings.HasPrefix(code, "InvalidParameter"), code == "MissingParameter", code == "UnknownParameter":
		return "The cloud rejected an argument: fix the field named in the message."
	case code == "InternalError":
		return "The cloud failed internally; for a change, read the state back before trying again."
	}
	return ""
}

// OutcomeUnknownError means a mutating request may have reached the cloud but
// no answer came back: it was not re-sent, and it may or may not have applied.
type OutcomeUnknownError struct {
	Action string
	Err    error
}

func (e *OutcomeUnknownError) Error() string {
	return fmt.Sprintf("%s: outcome unknown: the request was sent but no answer arrived (%v); it was not retried", e.Action, e.Err)
}

func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// OutcomeUnknown marks the error as cloud.OutcomeUnknown.
func (e *OutcomeUnknownError) OutcomeUnknown() {}

// TransportError is a failure to get a usable answer for a read (or for a
// request the server certainly did not act on).
type TransportError struct {
	Action string
	Err    error
}

func (e *TransportError) Error() string { return fmt.Sprintf("%s: %v", e.Action, e.Err) }
func (e *TransportError) Unwrap() error { return e.Err }
