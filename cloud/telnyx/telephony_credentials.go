package telnyx

import (
	"context"
	"errors"
	"strings"
)

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
