package tcb

import (
	"fmt"
	"strings"

	"github.com/cloudops-mcp/cloudops-mcp/internal/lazyre"
)

// Documented rules both the tools (before calling) and the sandbox (as the
// cloud would) enforce, kept in one place.

// VerificationCodeVar must appear in every email template.
const VerificationCodeVar = "{{.VerificationCode}}"

var forbiddenTemplate = lazyre.New(`(?i)<\s*script|javascript\s*:|\bonclick\s*=|\bonload\s*=|<\s*iframe|<\s*link\b|expression\s*\(|url\s*\(`)

// CheckEmailTemplate reports what is wrong with one HTML email template, or nil.
func CheckEmailTemplate(html string) error {
	if !strings.Contains(html, VerificationCodeVar) {
		return fmt.Errorf("must contain %s", VerificationCodeVar)
	}
	if m := forbiddenTemplate.FindString(html); m != "" {
		return fmt.Errorf("must not contain script, javascript, onclick, onload, iframe, link tags, CSS expression() or url() (found %q)", m)
	}
	return nil
}

// EmailTemplates lists an EmailConfig's templates by field path.
func EmailTemplates(ec *EmailConfig) map[string]string {
	out := map[string]string{}
	if ec == nil || ec.TemplateConfig == nil {
		return out
	}
	for name, t := range map[string]*LocalizedTemplate{"RegisterSignIn": ec.TemplateConfig.RegisterSignIn, "DefaultTpl": ec.TemplateConfig.DefaultTpl} {
		if t == nil {
			continue
		}
		if t.ZhCN != "" {
			out["EmailConfig.TemplateConfig."+name+".ZhCN"] = t.ZhCN
		}
		if t.EnUS != "" {
			out["EmailConfig.TemplateConfig."+name+".EnUS"] = t.EnUS
		}
	}
	return out
}

// MissingConfigFields lists the Config fields a provider type requires that c lacks:
// OAUTH needs the OAuth client and endpoints; OIDC the same plus JwksUri unless
// Issuer is given (endpoints are then discovered); SAML needs SamlMetadata.
func MissingConfigFields(providerType string, c *ProviderConfig) []string {
	if c == nil {
		c = &ProviderConfig{}
	}
	have := map[string]string{"ClientId": c.ClientId, "ClientSecret": c.ClientSecret, "RedirectUri": c.RedirectUri,
		"Scope": c.Scope, "AuthorizationEndpoint": c.AuthorizationEndpoint, "TokenEndpoint": c.TokenEndpoint,
		"JwksUri": c.JwksUri, "SamlMetadata": c.SamlMetadata}
	var need []string
	switch providerType {
	case "OAUTH":
		need = []string{"ClientId", "ClientSecret", "RedirectUri", "Scope", "AuthorizationEndpoint", "TokenEndpoint"}
	case "OIDC":
		if c.Issuer == "" {
			need = []string{"ClientId", "ClientSecret", "RedirectUri", "Scope", "AuthorizationEndpoint", "TokenEndpoint", "JwksUri"}
		}
	case "SAML":
		need = []string{"SamlMetadata"}
	}
	var missing []string
	for _, f := range need {
		if have[f] == "" {
			missing = append(missing, f)
		}
	}
	return missing
}

// MaxSamlMetadata is the documented SamlMetadata size limit.
const MaxSamlMetadata = 10 * 1024
