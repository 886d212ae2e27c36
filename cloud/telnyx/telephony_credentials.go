package telnyx

import (
	"context"
	"errors"
	"net/url"
	"strings"
)

// TelephonyCredential is an on-demand SIP/WebRTC credential. The API also
// returns its SIP password: this type has no field for it, so the password is
// dropped while decoding and never reaches a result, a log or the model.
type TelephonyCredential struct {
	ID          string `json:"id"`
	RecordType  string `json:"record_type,omitempty"`
	Name        string `json:"name,omitempty"`
	Tag         string `json:"tag,omitempty"`
	Expired     bool   `json:"expired"`
	ExpiresAt   string `json:"expires_at,omitempty"`
	ResourceID  string `json:"resource_id,omitempty" jsonschema_description:"e.g. connection:804252963366242252"`
	SipUsername string `json:"sip_username,omitempty"`
	UserID      string `json:"user_id,omitempty"`
	CreatedAt   string `json:"created_at,omitempty"`
	UpdatedAt   string `json:"updated_at,omitempty"`
}

// TelephonyCredentialFilter narrows the list.
type TelephonyCredentialFilter struct {
	Name        string `json:"name,omitempty" jsonschema:"maxLength=255" jsonschema_description:"Exact name"`
	Status      string `json:"status,omitempty" jsonschema:"enum=active,enum=expired" jsonschema_description:"Active or expired"`
	SipUsername string `json:"sip_username,omitempty" jsonschema:"maxLength=255" jsonschema_description:"Exact SIP user name"`
}

func (f *TelephonyCredentialFilter) query() url.Values {
	q := url.Values{}
	if f != nil {
		set(q, "filter[name]", f.Name)
		set(q, "filter[status]", f.Status)
		set(q, "filter[sip_username]", f.SipUsername)
	}
	return q
}

// ListTelephonyCredentials lists one page. GET /telephony_credentials
func (c *Client) ListTelephonyCredentials(ctx context.Context, f *TelephonyCredentialFilter, page PageParams) (*Page[TelephonyCredential], error) {
	return listPage[TelephonyCredential](ctx, c, "/telephony_credentials", f.query(), page)
}

// CreateTelephonyCredentialToken creates an access token (a JWT) for WebRTC
// or SIP login with a telephony credential. The API answers in text/plain.
// The token is a bearer secret: callers must not log or show it.
// POST /telephony_credentials/{id}/token
func (c *Client) CreateTelephonyCredentialToken(ctx context.Context, id string) (string, error) {
	r := &request{method: "POST", path: "/telephony_credentials/" + pathID(id) + "/token", accept: "text/plain", mutating: true}
	resp, err := c.do(ctx, r)
	if err != nil {
		return "", err
	}
	tok := strings.TrimSpace(string(resp.body))
	if isJSON(resp.contentType) { // tolerate a JSON string or {"data": "..."}
		tok = strings.Trim(tok, `"`)
		if strings.HasPrefix(tok, "{") {
			var env struct{ Data string }
			if decodeRecord(r, resp, &env) == nil {
				tok = env.Data
			}
		}
	}
	if tok == "" || strings.ContainsAny(tok, " \n{<") {
		return "", undecodable(r, errors.New("the answer is not a token"))
	}
	return tok, nil
}
