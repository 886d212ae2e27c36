package tools

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/telnyx"
	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
	"github.com/cloudops-mcp/cloudops-mcp/internal/secretfile"
)

const listTelephonyCredentialsTool = "telnyx_list_telephony_credentials"

func telnyxTelephonyTools(d *Deps) []Tool {
	return []Tool{listTelephonyCredentials(d), createTelephonyCredentialToken(d)}
}

type listTelephonyCredentialsInput struct {
	telnyx.TelephonyCredentialFilter
	Paging
}

func listTelephonyCredentials(d *Deps) Tool {
	return defineTelnyx(d, Spec{Name: listTelephonyCredentialsTool, Title: "List telephony credentials",
		Description: "List the on-demand SIP/WebRTC credentials (id, name, SIP user name, connection, expired or not); SIP passwords are never returned. " +
			"The id is what telnyx_create_telephony_credential_token takes.",
		ReadOnly: true}, "",
		func(ctx context.Context, in *listTelephonyCredentialsInput) (*listResult[telnyx.TelephonyCredential], error) {
			return list(ctx, in.Paging, "telephony credentials", func(ctx context.Context, p telnyx.PageParams) (*telnyx.Page[telnyx.TelephonyCredential], error) {
				return d.telnyx().ListTelephonyCredentials(ctx, &in.TelephonyCredentialFilter, p)
			})
		})
}

type createTelephonyTokenInput struct {
	ID string `json:"id" jsonschema:"pattern=^[A-Za-z0-9-]+$,maxLength=64" jsonschema_description:"Telephony credential id"`
	DeliverTo
}

type telephonyToken struct {
	CredentialID string `json:"credential_id"`
	// Token is the JWT, masked unless the operator chose --reveal-secrets.
	Token       string               `json:"token,omitempty" jsonschema_description:"The JWT; redacted unless the server runs with --reveal-secrets"`
	Length      int                  `json:"token_length"`
	Fingerprint string               `json:"fingerprint" jsonschema_description:"The token's keyed fingerprint ([redacted: fp …]), to match it later"`
	ExpiresAt   string               `json:"expires_at,omitempty" jsonschema:"format=date-time"`
	Delivered   *secretfile.Delivery `json:"delivered,omitempty"`
	Note        string               `json:"note,omitempty"`
}

func createTelephonyCredentialToken(d *Deps) Tool {
	return defineTelnyx(d, Spec{Name: "telnyx_create_telephony_credential_token", Title: "Create a telephony token",
		Description: "Create an access token (JWT) for WebRTC/SIP login with a telephony credential. The token is withheld from this conversation; deliverTo writes it to a file for the user."},
		listTelephonyCredentialsTool,
		func(ctx context.Context, in *createTelephonyTokenInput) (*telephonyToken, error) {
			var length int
			var fingerprint, expires string
			tok, del, err := Deliver(ctx, d, in.DeliverTo.DeliverTo,
				func(ctx context.Context) (*telephonyToken, error) {
					jwt, err := d.telnyx().CreateTelephonyCredentialToken(ctx, in.ID)
					if err != nil {
						return nil, err
					}
					length, fingerprint, expires = utf8.RuneCountInString(jwt), secretfile.Fingerprint(jwt), jwtExpiry(jwt)
					return &telephonyToken{Token: jwt}, nil
				},
				func(t *telephonyToken) (*string, string) { return &t.Token, in.ID })
			if err != nil {
				return nil, err
			}
			out := &telephonyToken{CredentialID: in.ID, Token: tok.Token, Length: length, Fingerprint: fingerprint, ExpiresAt: expires, Delivered: del}
			switch {
			case del != nil:
				out.Note = "The token was written to " + del.Path + " (mode 0600) for the user; it is not shown here."
			case !d.Redactor.Reveal():
				// Masked here, not only by the redactor: this value must never reach the model.
				out.Token = redact.Mask(out.Token)
				out.Note = "The token was withheld from this conversation. To hand it to the user, call again with deliverTo (a file name); " +
					"an operator may instead run the server with --reveal-secrets."
			}
			return out, nil
		})
}

// jwtExpiry reads the exp claim (not secret) without verifying the token.
func jwtExpiry(tok string) string {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return ""
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return ""
	}
	var claims struct {
		Exp int64 `json:"exp"`
	}
	if json.Unmarshal(raw, &claims) != nil || claims.Exp <= 0 {
		return ""
	}
	return time.Unix(claims.Exp, 0).UTC().Format(time.RFC3339)
}
