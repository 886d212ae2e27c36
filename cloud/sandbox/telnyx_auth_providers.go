package sandbox

import (
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/cloudops-mcp/cloudops-mcp/internal/lazyre"
)

// tnxAuthProviderRoutes are this area's routes (see routeTelnyx).
var tnxAuthProviderRoutes = []tnxRoute{
	{"GET /v2/authentication_providers", tnxListAuthProviders, false},
	{"POST /v2/authentication_providers", tnxCreateAuthProvider, true},
	{"GET /v2/authentication_providers/{id}", tnxGetAuthProvider, false},
	{"PATCH /v2/authentication_providers/{id}", tnxUpdateAuthProvider, true},
	{"DELETE /v2/authentication_providers/{id}", tnxDeleteAuthProvider, true},
}

var tnxShortNamePattern = lazyre.New(`^[A-Za-z0-9_-]+$`)

// tnxFingerprintBytes is the digest length of each fingerprint algorithm.
var tnxFingerprintBytes = map[string]int{"sha1": 20, "sha256": 32, "sha384": 48, "sha512": 64}

var tnxProviderFields = []string{"name", "short_name", "settings", "active", "settings_url"}
var tnxSettingsFields = []string{"idp_entity_id", "idp_sso_target_url", "idp_cert_fingerprint", "idp_cert_fingerprint_algorithm"}

func tnxListAuthProviders(_ *Server, st *TelnyxState, r *http.Request, _ []byte) (int, any, error) {
	if err := tnxOnlyQuery(r, tnxAuthProviderQuery...); err != nil {
		return 0, nil, err
	}
	out := append([]*tnxAuthProvider{}, st.AuthProviders...)
	sortKey := r.URL.Query().Get("sort")
	if sortKey == "" {
		sortKey = "-created_at"
	}
	desc := strings.HasPrefix(sortKey, "-")
	get := map[string]func(*tnxAuthProvider) string{
		"name":       func(p *tnxAuthProvider) string { return p.Name },
		"short_name": func(p *tnxAuthProvider) string { return p.ShortName },
		"active": func(p *tnxAuthProvider) string {
			if p.Active != nil && *p.Active {
				return "1"
			}
			return "0"
		},
		"created_at": func(p *tnxAuthProvider) string { return p.CreatedAt },
		"updated_at": func(p *tnxAuthProvider) string { return p.UpdatedAt },
	}
	by, ok := get[strings.TrimPrefix(sortKey, "-")]
	if !ok {
		return 0, nil, tnxUnprocessable(tnxErrorItem{Code: tnxCodeBadRequest, Title: "Invalid sort",
			Detail: "sort must be one of name, short_name, active, created_at, updated_at (- prefix for descending).",
			Source: tnxErrorSource{Parameter: "sort"}})
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := by(out[i]), by(out[j])
		if a == b {
			return out[i].ID < out[j].ID
		}
		return (a < b) != desc
	})
	return telnyxPage(r, out)
}

// tnxProviderSettings checks a settings object; nil when it is absent or invalid.
func tnxProviderSettings(f *tnxFields, required bool) *tnxSettingsInput {
	sf := f.object("settings", required, tnxSettingsFields...)
	if sf == nil {
		return nil
	}
	in := &tnxSettingsInput{IdpEntityID: sf.str("idp_entity_id", true), IdpSSOTargetURL: sf.str("idp_sso_target_url", true),
		IdpCertFingerprint: sf.str("idp_cert_fingerprint", true), IdpCertFingerprintAlgorithm: sf.str("idp_cert_fingerprint_algorithm", false)}
	if in.IdpSSOTargetURL != "" && !tnxIsHTTPURL(in.IdpSSOTargetURL) {
		sf.fail("idp_sso_target_url", "Invalid parameter", "idp_sso_target_url must be an http(s) URL.")
	}
	alg := in.IdpCertFingerprintAlgorithm
	if alg == "" {
		alg = "sha1"
	}
	if n, ok := tnxFingerprintBytes[alg]; !ok {
		sf.fail("idp_cert_fingerprint_algorithm", "Invalid parameter", "idp_cert_fingerprint_algorithm must be one of sha1, sha256, sha384, sha512.")
	} else if in.IdpCertFingerprint != "" {
		raw, err := hex.DecodeString(strings.ReplaceAll(in.IdpCertFingerprint, ":", ""))
		if err != nil || len(raw) != n {
			sf.fail("idp_cert_fingerprint", "Invalid parameter",
				"idp_cert_fingerprint must be the "+alg+" fingerprint of the IdP certificate: hex byte pairs, e.g. 13:38:C7:….")
		}
	}
	f.merge(sf)
	if len(sf.problems) > 0 {
		return nil
	}
	return in
}

func tnxIsHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// tnxSettingsFromURL stands in for fetching IdP metadata (the sandbox is offline).
func tnxSettingsFromURL(u string) *tnxSettingsInput {
	p, _ := url.Parse(u)
	sum := tnxNameUUID("metadata/" + u)
	fp := strings.ToUpper(strings.ReplaceAll(sum, "-", "")[:40])
	var pairs []string
	for i := 0; i < len(fp); i += 2 {
		pairs = append(pairs, fp[i:i+2])
	}
	return &tnxSettingsInput{IdpEntityID: u, IdpSSOTargetURL: p.Scheme + "://" + p.Host + "/sso/saml",
		IdpCertFingerprint: strings.Join(pairs, ":"), IdpCertFingerprintAlgorithm: "sha1"}
}

func tnxApplySettings(p *tnxAuthProvider, in *tnxSettingsInput) {
	alg := in.IdpCertFingerprintAlgorithm
	if alg == "" {
		alg = "sha1"
	}
	sp := "https://api.telnyx.com/auth/saml2/" + p.ShortName
	prev := p.Settings
	p.Settings = &tnxSettings{IdpEntityID: in.IdpEntityID, IdpSSOTargetURL: in.IdpSSOTargetURL,
		IdpCertFingerprint: in.IdpCertFingerprint, IdpCertFingerprintAlgorithm: alg,
		NameIdentifierFormat:        "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
		AssertionConsumerServiceURL: sp + "/acs", ServiceProviderEntityID: sp + "/metadata",
		ServiceProviderLoginURL: "https://portal.telnyx.com/#/login/sso/" + p.ShortName, ProvisionGroups: ptr(false)}
	if prev != nil {
		p.Settings.IdpAttributeNames, p.Settings.IdpCertificate, p.Settings.IdpSLOTargetURL = prev.IdpAttributeNames, prev.IdpCertificate, prev.IdpSLOTargetURL
		p.Settings.ProvisionGroups = prev.ProvisionGroups
	}
}

func tnxCheckShortName(f *tnxFields, st *TelnyxState, name, self string) {
	if name == "" {
		return
	}
	if !tnxShortNamePattern.MatchString(name) {
		f.fail("short_name", "Invalid parameter", "short_name must be URL-friendly: letters, digits, - and _ only.")
		return
	}
	for _, p := range st.AuthProviders {
		if p.ID != self && strings.EqualFold(p.ShortName, name) {
			f.fail("short_name", "Invalid parameter", "short_name has already been taken.")
		}
	}
}

func tnxSetActive(s *Server, p *tnxAuthProvider, active bool) {
	if active && (p.Active == nil || !*p.Active) {
		p.ActivatedAt = s.telnyxNow()
	}
	p.Active = ptr(active)
}

func tnxCreateAuthProvider(s *Server, st *TelnyxState, _ *http.Request, body []byte) (int, any, error) {
	f, err := tnxDecodeFields(body, tnxProviderFields...)
	if err != nil {
		return 0, nil, err
	}
	name, short := f.str("name", true), f.str("short_name", true)
	settingsURL := f.str("settings_url", false)
	if settingsURL != "" && !tnxIsHTTPURL(settingsURL) {
		f.fail("settings_url", "Invalid parameter", "settings_url must be an http(s) URL.")
	}
	settings := tnxProviderSettings(f, settingsURL == "")
	active := f.boolean("active")
	tnxCheckShortName(f, st, short, "")
	if err := f.err(); err != nil {
		return 0, nil, err
	}
	if settings == nil {
		settings = tnxSettingsFromURL(settingsURL)
	}
	now := s.telnyxNow()
	p := &tnxAuthProvider{ID: tnxNewUUID(), Name: name, ShortName: short, OrganizationID: st.OrganizationID,
		RecordType: "authentication_provider", CreatedAt: now, UpdatedAt: now, Active: ptr(false)}
	tnxApplySettings(p, settings)
	if active != nil {
		tnxSetActive(s, p, *active)
	}
	st.AuthProviders = append(st.AuthProviders, p)
	return http.StatusOK, map[string]any{"data": p}, nil
}

func tnxFindAuthProvider(st *TelnyxState, r *http.Request) (int, *tnxAuthProvider, error) {
	return tnxFind(r, st.AuthProviders, func(p *tnxAuthProvider) string { return p.ID }, "authentication provider", true)
}

func tnxGetAuthProvider(_ *Server, st *TelnyxState, r *http.Request, _ []byte) (int, any, error) {
	_, p, err := tnxFindAuthProvider(st, r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"data": p}, nil
}

func tnxUpdateAuthProvider(s *Server, st *TelnyxState, r *http.Request, body []byte) (int, any, error) {
	_, p, err := tnxFindAuthProvider(st, r)
	if err != nil {
		return 0, nil, err
	}
	f, err := tnxDecodeFields(body, tnxProviderFields...)
	if err != nil {
		return 0, nil, err
	}
	var name, short string
	if f.has("name") {
		name = f.str("name", true)
	}
	if f.has("short_name") {
		short = f.str("short_name", true)
		tnxCheckShortName(f, st, short, p.ID)
	}
	settingsURL := f.str("settings_url", false)
	if settingsURL != "" && !tnxIsHTTPURL(settingsURL) {
		f.fail("settings_url", "Invalid parameter", "settings_url must be an http(s) URL.")
	}
	settings := tnxProviderSettings(f, false)
	active := f.boolean("active")
	if err := f.err(); err != nil {
		return 0, nil, err
	}
	if name != "" {
		p.Name = name
	}
	if short != "" {
		p.ShortName = short
	}
	if settings == nil && settingsURL != "" {
		settings = tnxSettingsFromURL(settingsURL)
	}
	if settings == nil && short != "" && p.Settings != nil { // the service provider URLs follow the short name
		settings = &tnxSettingsInput{IdpEntityID: p.Settings.IdpEntityID, IdpSSOTargetURL: p.Settings.IdpSSOTargetURL,
			IdpCertFingerprint: p.Settings.IdpCertFingerprint, IdpCertFingerprintAlgorithm: p.Settings.IdpCertFingerprintAlgorithm}
	}
	if settings != nil {
		tnxApplySettings(p, settings)
	}
	if active != nil {
		tnxSetActive(s, p, *active)
	}
	p.UpdatedAt = s.telnyxNow()
	return http.StatusOK, map[string]any{"data": p}, nil
}

func tnxDeleteAuthProvider(_ *Server, st *TelnyxState, r *http.Request, _ []byte) (int, any, error) {
	i, p, err := tnxFindAuthProvider(st, r)
	if err != nil {
		return 0, nil, err
	}
	st.AuthProviders = append(st.AuthProviders[:i], st.AuthProviders[i+1:]...)
	return http.StatusOK, map[string]any{"data": p}, nil
}
