package sandbox

import (
	"encoding/json"
	"strings"

	"github.com/cloudops-mcp/cloudops-mcp/internal/lazyre"
)

// Documented rules the cloud enforces (@cloudbase/manager-node documentation, login configuration), written
// here independently of the tools' own pre-checks.

// providerTypes are the documented ProviderType values (the @cloudbase/manager-node documentation).
var providerTypes = []string{"OAUTH", "OIDC", "SAML", "WX_MICRO_APP", "WX_QRCODE_MICRO_APP", "WX_CLOUDBASE_MICRO_APP",
	"WX_MP", "WX_OPEN", "WX_WORK_INTERNAL", "WX_WORK_AGENT", "WX_WORK_THIRD_PARTY", "WX_WORK_THIRD_PARTY_ASSOCIATION", "CUSTOM", "EMAIL"}

// maxSamlMetadata is "Maximum 10KB".
const maxSamlMetadata = 10 * 1024

const verificationCodeVar = "{{.VerificationCode}}"

var forbiddenInTemplate = lazyre.New(`(?i)<\s*script|javascript\s*:|\bonclick\s*=|\bonload\s*=|<\s*iframe|<\s*link\b|expression\s*\(|url\s*\(`)

// emailTemplateProblem says what is wrong with one HTML template, or "".
func emailTemplateProblem(html string) string {
	if !strings.Contains(html, verificationCodeVar) {
		return "must contain " + verificationCodeVar
	}
	if m := forbiddenInTemplate.FindString(html); m != "" {
		return "must not contain script, javascript, onclick, onload, iframe, link tags, CSS expression or CSS url() (found " + m + ")"
	}
	return ""
}

// emailTemplates lists an EmailConfig's templates by field path.
func emailTemplates(ec *emailConfig) map[string]string {
	out := map[string]string{}
	if ec == nil || ec.TemplateConfig == nil {
		return out
	}
	for name, t := range map[string]*localizedTemplate{"RegisterSignIn": ec.TemplateConfig.RegisterSignIn, "DefaultTpl": ec.TemplateConfig.DefaultTpl} {
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

// missingConfigFields lists what the @cloudbase/manager-node documentation requires per provider type: OAUTH
// the client and endpoints; OIDC the same plus JwksUri unless Issuer is given
// (discovery fills them); SAML the metadata.
func missingConfigFields(providerType string, c *providerConfig) []string {
	if c == nil {
		c = &providerConfig{}
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

// parseTemplateFields reads {"fields":[...]} out of a template's Ext.
func parseTemplateFields(ext string) []templateField {
	var doc struct {
		Fields []templateField `json:"fields"`
	}
	if json.Unmarshal([]byte(ext), &doc) != nil {
		return nil
	}
	return doc.Fields
}

func (f templateField) secret() bool { return strings.EqualFold(f.Type, "password") }
