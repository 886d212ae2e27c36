package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/internal/lazyre"
)

// AuthState is an environment's login configuration, clients, identity
// sources and API keys, in the sandbox's own wire types (tcb_wire.go).
type AuthState struct {
	LoginConfig loginConfig              `json:"loginConfig"`
	Clients     map[string]*clientConfig `json:"clients"`
	Providers   []*provider              `json:"providers"`
	ApiKeys     []*storedKey             `json:"apiKeys"`
}

type storedKey struct {
	apiKeyToken
	Type string `json:"type"`
}

const (
	maxProviders = 20
	maxApiKeys   = 5
)

var providerIDPattern = lazyre.New(`^[a-z0-9]{2,32}$`)

func (s *Server) registerAuth() {
	s.actions["DescribeLoginConfig"] = action{fn: describeLoginConfig}
	s.actions["ModifyLoginConfig"] = action{fn: modifyLoginConfig, mutating: true}
	s.actions["DescribeClient"] = action{fn: describeClient}
	s.actions["ModifyClient"] = action{fn: modifyClient, mutating: true}
	s.actions["GetProviders"] = action{fn: getProviders}
	s.actions["AddProvider"] = action{fn: addProvider, mutating: true}
	s.actions["ModifyProvider"] = action{fn: modifyProvider, mutating: true}
	s.actions["DeleteProvider"] = action{fn: deleteProvider, mutating: true}
	s.actions["CreateApiKey"] = action{fn: createApiKey, mutating: true}
	s.actions["DescribeApiKeyList"] = action{fn: describeApiKeyList}
	s.actions["DeleteApiKey"] = action{fn: deleteApiKey, mutating: true}
}

func describeLoginConfig(_ *Server, env *Env, _ json.RawMessage) (any, error) {
	return env.Auth.LoginConfig, nil
}

func modifyLoginConfig(_ *Server, env *Env, body json.RawMessage) (any, error) {
	var in modifyLoginConfigRequest
	if err := decodeStrict(body, &in); err != nil {
		return nil, err
	}
	for name, v := range map[string]*bool{"PhoneNumberLogin": in.PhoneNumberLogin, "EmailLogin": in.EmailLogin,
		"UserNameLogin": in.UserNameLogin, "AnonymousLogin": in.AnonymousLogin} {
		if v == nil {
			return nil, errf("MissingParameter", "The parameter %s is required.", name)
		}
	}
	lc := &env.Auth.LoginConfig
	lc.PhoneNumberLogin, lc.EmailLogin, lc.UserNameLogin, lc.AnonymousLogin =
		*in.PhoneNumberLogin, *in.EmailLogin, *in.UserNameLogin, *in.AnonymousLogin
	if in.SmsVerificationConfig != nil {
		lc.SmsVerificationConfig = in.SmsVerificationConfig
	}
	if in.MfaConfig != nil {
		lc.MfaConfig = in.MfaConfig
	}
	if in.PwdUpdateStrategy != nil {
		lc.PwdUpdateStrategy = in.PwdUpdateStrategy
	}
	return nil, nil
}

func describeClient(_ *Server, env *Env, body json.RawMessage) (any, error) {
	var in describeClientRequest
	if err := decodeStrict(body, &in); err != nil {
		return nil, err
	}
	if in.Id == "" {
		return nil, errf("MissingParameter", "The parameter Id is required.")
	}
	c, ok := env.Auth.Clients[in.Id]
	if !ok {
		if in.Id != env.ID {
			return nil, errf("ResourceNotFound", "The client %q does not exist.", in.Id)
		}
		return defaultClient(env.ID, ""), nil
	}
	return c, nil
}

func defaultClient(id, now string) *clientConfig {
	return &clientConfig{Id: id, CreatedAt: now, UpdatedAt: now,
		RefreshTokenExpiresIn: ptr(2592000), AccessTokenExpiresIn: ptr(7200), MaxDevice: ptr(-1)}
}

func modifyClient(s *Server, env *Env, body json.RawMessage) (any, error) {
	var in modifyClientRequest
	if err := decodeStrict(body, &in); err != nil {
		return nil, err
	}
	if in.Id == "" {
		return nil, errf("MissingParameter", "The parameter Id is required.")
	}
	now := s.cfg.Now().UTC().Format(time.RFC3339)
	c, ok := env.Auth.Clients[in.Id]
	if !ok {
		if in.Id != env.ID {
			return nil, errf("ResourceNotFound", "The client %q does not exist.", in.Id)
		}
		c = defaultClient(in.Id, now)
	}
	next := *c
	if in.RefreshTokenExpiresIn != nil {
		if v := *in.RefreshTokenExpiresIn; v < 1800 || v > 2592000 {
			return nil, errf("InvalidParameterValue", "RefreshTokenExpiresIn must be within 1800~2592000.")
		}
		next.RefreshTokenExpiresIn = in.RefreshTokenExpiresIn
	}
	if in.AccessTokenExpiresIn != nil {
		if *in.AccessTokenExpiresIn < 1800 {
			return nil, errf("InvalidParameterValue", "AccessTokenExpiresIn must be at least 1800.")
		}
		next.AccessTokenExpiresIn = in.AccessTokenExpiresIn
	}
	if in.MaxDevice != nil {
		if v := *in.MaxDevice; v < -1 || v > 50 {
			return nil, errf("InvalidParameterValue", "MaxDevice must be -1, 0 or 1~50.")
		}
		next.MaxDevice = in.MaxDevice
	}
	if *next.AccessTokenExpiresIn >= *next.RefreshTokenExpiresIn {
		return nil, errf("InvalidParameterValue", "AccessTokenExpiresIn must be less than RefreshTokenExpiresIn.")
	}
	next.UpdatedAt = now
	env.Auth.Clients[in.Id] = &next
	return nil, nil
}

// autoTypes are providers GetProviders lists as disabled defaults and ModifyProvider creates.
var autoTypes = []string{"CUSTOM", "EMAIL"}

func getProviders(_ *Server, env *Env, _ json.RawMessage) (any, error) {
	list := append([]*provider(nil), env.Auth.Providers...)
	for _, t := range autoTypes {
		if findProviderByType(env, t) == nil {
			list = append(list, defaultProvider(t))
		}
	}
	data := make([]provider, len(list))
	for i, p := range list {
		data[i] = *p
	}
	return providerList{Total: len(data), Data: data}, nil
}

func defaultProvider(typ string) *provider {
	id := strings.ToLower(typ)
	return &provider{Id: id, ProviderType: typ, On: "FALSE", Config: &providerConfig{},
		Name: &localizedMessage{Message: map[string]string{"CUSTOM": "Custom login", "EMAIL": "Email login"}[typ]}}
}

func findProvider(env *Env, id string) (int, *provider) {
	for i, p := range env.Auth.Providers {
		if p.Id == id {
			return i, p
		}
	}
	return -1, nil
}

func findProviderByType(env *Env, typ string) *provider {
	for _, p := range env.Auth.Providers {
		if p.ProviderType == typ {
			return p
		}
	}
	return nil
}

func checkProviderConfig(typ string, c *providerConfig) error {
	if c != nil && len(c.SamlMetadata) > maxSamlMetadata {
		return errf("InvalidParameterValue", "Config.SamlMetadata exceeds 10KB.")
	}
	if missing := missingConfigFields(typ, c); len(missing) > 0 {
		return errf("MissingParameter", "Config.%s is required for %s providers.", missing[0], typ)
	}
	if typ == "OIDC" && c != nil && c.Scope != "" && !hasOpenIDScope(c.Scope) {
		return errf("InvalidParameterValue", "Config.Scope of an OIDC provider must contain openid (got %q).", c.Scope)
	}
	return nil
}

func addProvider(_ *Server, env *Env, body json.RawMessage) (any, error) {
	var in addProviderRequest
	if err := decodeStrict(body, &in); err != nil {
		return nil, err
	}
	if in.Name == nil || in.Name.Message == "" {
		return nil, errf("MissingParameter", "The parameter Name.Message is required.")
	}
	if !contains(providerTypes, in.ProviderType) {
		return nil, errf("InvalidParameterValue", "ProviderType %q is not supported.", in.ProviderType)
	}
	if in.Id == "" {
		in.Id = strings.ToLower(in.ProviderType[:2]) + randomHex(4)
	}
	if !providerIDPattern.MatchString(in.Id) {
		return nil, errf("InvalidParameterValue", "Id must be 2-32 lowercase letters or digits.")
	}
	if _, p := findProvider(env, in.Id); p != nil {
		return nil, errf("ResourceInUse", "The provider %q already exists.", in.Id)
	}
	if len(env.Auth.Providers) >= maxProviders {
		return nil, errf("LimitExceeded", "An environment has at most %d providers.", maxProviders)
	}
	if in.ProviderType == "OIDC" {
		applyDiscovery(in.Config, false)
	}
	if err := checkProviderConfig(in.ProviderType, in.Config); err != nil {
		return nil, err
	}
	p := &provider{Id: in.Id, Name: in.Name, ProviderType: in.ProviderType, Picture: in.Picture,
		Homepage: in.Homepage, Config: in.Config, Description: in.Description,
		TransparentMode: or(in.TransparentMode, "FALSE"), On: or(in.On, "TRUE"), ReuseUserId: or(in.ReuseUserId, "FALSE"),
		AutoSignUpWithProviderUser: "TRUE", AutoSignInWhenEmailMatch: or(in.AutoSignInWhenEmailMatch, "FALSE"),
		AutoSignInWhenPhoneNumberMatch: or(in.AutoSignInWhenPhoneNumberMatch, "TRUE")}
	if p.Config == nil {
		p.Config = &providerConfig{}
	}
	env.Auth.Providers = append(env.Auth.Providers, p)
	return nil, nil
}

func modifyProvider(_ *Server, env *Env, body json.RawMessage) (any, error) {
	var in modifyProviderRequest
	if err := decodeStrict(body, &in); err != nil {
		return nil, err
	}
	if !providerIDPattern.MatchString(in.Id) {
		return nil, errf("InvalidParameterValue", "Id must be 2-32 lowercase letters or digits.")
	}
	_, p := findProvider(env, in.Id)
	if p == nil {
		typ := strings.ToUpper(in.Id)
		if in.ProviderType != "" {
			typ = in.ProviderType
		}
		if !contains(autoTypes, typ) || in.Id != strings.ToLower(typ) {
			return nil, errf("ResourceNotFound", "The provider %q does not exist.", in.Id)
		}
		if len(env.Auth.Providers) >= maxProviders {
			return nil, errf("LimitExceeded", "An environment has at most %d providers.", maxProviders)
		}
		p = defaultProvider(typ)
		env.Auth.Providers = append(env.Auth.Providers, p)
	}
	// Incremental: merge the JSON of the request over the stored provider, so
	// nested Config fields not given keep their values. next is a fresh copy:
	// the stored provider changes only once every check has passed.
	merged, err := mergeJSON(p, body)
	if err != nil {
		return nil, err
	}
	var next provider
	if err := json.Unmarshal(merged, &next); err != nil {
		return nil, errf("InvalidParameter", "Invalid request: %v", err)
	}
	if next.ProviderType == "OIDC" {
		// "modifying the Issuer will automatically re-fetch endpoint configuration via Discovery"
		applyDiscovery(next.Config, in.Config != nil && in.Config.Issuer != "" && (p.Config == nil || in.Config.Issuer != p.Config.Issuer))
	}
	if next.EmailConfig != nil && next.ProviderType != "EMAIL" {
		return nil, errf("InvalidParameterValue", "EmailConfig is only valid for EMAIL providers.")
	}
	if err := checkEmailTemplates(next.EmailConfig); err != nil {
		return nil, err
	}
	if err := checkProviderConfig(next.ProviderType, next.Config); err != nil {
		return nil, err
	}
	if next.TransparentMode == "TRUE" {
		next.ReuseUserId, next.AutoSignUpWithProviderUser = "TRUE", "FALSE"
	}
	*p = next
	return nil, nil
}

func checkEmailTemplates(ec *emailConfig) error {
	for path, html := range emailTemplates(ec) {
		if problem := emailTemplateProblem(html); problem != "" {
			return errf("InvalidParameterValue", "%s %s.", path, problem)
		}
	}
	return nil
}

// mergeJSON overlays the request object on the stored value, recursing into objects.
func mergeJSON(stored any, patch json.RawMessage) ([]byte, error) {
	raw, err := json.Marshal(stored)
	if err != nil {
		return nil, err
	}
	var base, over map[string]any
	_ = json.Unmarshal(raw, &base)
	if err := json.Unmarshal(patch, &over); err != nil {
		return nil, errf("InvalidParameter", "The request body is not a JSON object.")
	}
	delete(over, "EnvId")
	delete(over, queryMarker)
	return json.Marshal(mergeMaps(base, over))
}

func mergeMaps(base, over map[string]any) map[string]any {
	if base == nil {
		base = map[string]any{}
	}
	for k, v := range over {
		if vm, ok := v.(map[string]any); ok {
			bm, _ := base[k].(map[string]any)
			base[k] = mergeMaps(bm, vm)
			continue
		}
		base[k] = v
	}
	return base
}

func deleteProvider(_ *Server, env *Env, body json.RawMessage) (any, error) {
	var in idRequest
	if err := decodeStrict(body, &in); err != nil {
		return nil, err
	}
	i, p := findProvider(env, in.Id)
	if p == nil {
		return nil, errf("ResourceNotFound", "The provider %q does not exist.", in.Id)
	}
	env.Auth.Providers = append(env.Auth.Providers[:i], env.Auth.Providers[i+1:]...)
	return nil, nil
}

func createApiKey(s *Server, env *Env, body json.RawMessage) (any, error) {
	var in createApiKeyRequest
	if err := decodeStrict(body, &in); err != nil {
		return nil, err
	}
	count := 0
	for _, k := range env.Auth.ApiKeys {
		if k.Type == in.KeyType {
			count++
		}
	}
	switch in.KeyType {
	case "api_key":
		if count >= maxApiKeys {
			return nil, errf("LimitExceeded", "An environment has at most %d api_key keys.", maxApiKeys)
		}
	case "publish_key":
		if count >= 1 {
			return nil, errf("LimitExceeded", "An environment has at most one publish_key.")
		}
		in.ExpireIn = nil // fixed lifetime
	default:
		return nil, errf("InvalidParameterValue", "KeyType must be api_key or publish_key.")
	}
	now := s.cfg.Now().UTC()
	k := &storedKey{Type: in.KeyType, apiKeyToken: apiKeyToken{KeyId: "key-" + randomHex(8), Name: or(in.KeyName, in.KeyType),
		CreateAt: now.Format(time.RFC3339)}}
	if in.ExpireIn != nil && *in.ExpireIn != 0 {
		if *in.ExpireIn < 7200 {
			return nil, errf("InvalidParameterValue", "ExpireIn must be 0 or at least 7200 seconds.")
		}
		k.ExpireAt = now.Add(time.Duration(*in.ExpireIn) * time.Second).Format(time.RFC3339)
	}
	k.ApiKey = fakeJWT(env.ID, k.KeyId, now)
	env.Auth.ApiKeys = append(env.Auth.ApiKeys, k)
	return k.apiKeyToken, nil
}

func describeApiKeyList(_ *Server, env *Env, body json.RawMessage) (any, error) {
	var in describeApiKeyListRequest
	if err := decodeStrict(body, &in); err != nil {
		return nil, err
	}
	typ := or(in.KeyType, "api_key")
	if typ != "api_key" && typ != "publish_key" {
		return nil, errf("InvalidParameterValue", "KeyType must be api_key or publish_key.")
	}
	page, size := in.PageNumber, in.PageSize
	if page <= 0 {
		page = 1
	}
	if size <= 0 {
		size = 10
	}
	var all []apiKeyToken
	for _, k := range env.Auth.ApiKeys {
		if k.Type != typ {
			continue
		}
		v := k.apiKeyToken
		if typ == "api_key" {
			v.ApiKey = maskToken(v.ApiKey)
		}
		all = append(all, v)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].CreateAt < all[j].CreateAt })
	out := apiKeyList{Total: len(all), Data: []apiKeyToken{}}
	if from := (page - 1) * size; from < len(all) {
		out.Data = all[from:min(from+size, len(all))]
	}
	return out, nil
}

func deleteApiKey(_ *Server, env *Env, body json.RawMessage) (any, error) {
	var in deleteApiKeyRequest
	if err := decodeStrict(body, &in); err != nil {
		return nil, err
	}
	for i, k := range env.Auth.ApiKeys {
		if k.KeyId == in.KeyId {
			env.Auth.ApiKeys = append(env.Auth.ApiKeys[:i], env.Auth.ApiKeys[i+1:]...)
			break
		}
	}
	return nil, nil // idempotent: a missing key is success
}

// maskToken shows the shape of a token and nothing usable, as the real list does.
func maskToken(t string) string {
	if len(t) <= 8 {
		return "****"
	}
	return t[:4] + "****" + t[len(t)-4:]
}

// fakeJWT builds a JWT-shaped token (unsigned payload, random signature).
func fakeJWT(envID, keyID string, now time.Time) string {
	enc := base64.RawURLEncoding
	h := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	p := enc.EncodeToString([]byte(fmt.Sprintf(`{"env":%q,"kid":%q,"iat":%d}`, envID, keyID, now.Unix())))
	return h + "." + p + "." + enc.EncodeToString([]byte(randomHex(16)))
}

func seedAuth(envID string, now time.Time) *AuthState {
	ts := now.UTC().Format(time.RFC3339)
	a := &AuthState{
		LoginConfig: loginConfig{PhoneNumberLogin: true, EmailLogin: true, UserNameLogin: true, AnonymousLogin: false,
			SmsVerificationConfig: &smsVerificationConfig{Type: "default", SmsDayLimit: ptr(30)},
			MfaConfig:             &mfaConfig{On: "FALSE", Sms: "FALSE", Email: "FALSE", RequiredBindPhone: "FALSE"},
			PwdUpdateStrategy:     &pwdUpdateStrategy{FirstLoginUpdate: ptr(false), PeriodUpdate: ptr(false)}},
		Clients: map[string]*clientConfig{envID: defaultClient(envID, ts)},
		Providers: []*provider{
			{Id: "google", ProviderType: "OIDC", On: "TRUE", Name: &localizedMessage{Message: "Google"},
				AutoSignUpWithProviderUser: "TRUE", TransparentMode: "FALSE", ReuseUserId: "FALSE",
				AutoSignInWhenEmailMatch: "TRUE", AutoSignInWhenPhoneNumberMatch: "FALSE",
				Config: &providerConfig{Issuer: "https://accounts.google.com", ClientId: "demo-google-client.apps.example",
					ClientSecret: "GOCSPX-" + randomHex(12), RedirectUri: "https://" + envID + ".ap-shanghai.tcb-api.tencentcloudapi.com/auth/v1/callback",
					Scope: "openid email profile", ResponseType: "code", TokenEndpointAuthMethod: "CLIENT_SECRET_POST"}},
			{Id: "github", ProviderType: "OAUTH", On: "TRUE", Name: &localizedMessage{Message: "GitHub"},
				AutoSignUpWithProviderUser: "TRUE", TransparentMode: "FALSE", ReuseUserId: "FALSE",
				AutoSignInWhenEmailMatch: "FALSE", AutoSignInWhenPhoneNumberMatch: "TRUE",
				Config: &providerConfig{ClientId: "Iv1.demo0github0client", ClientSecret: randomHex(20),
					RedirectUri:           "https://" + envID + ".ap-shanghai.tcb-api.tencentcloudapi.com/auth/v1/callback",
					Scope:                 "read:user user:email",
					AuthorizationEndpoint: "https://github.com/login/oauth/authorize", TokenEndpoint: "https://github.com/login/oauth/access_token",
					UserinfoEndpoint: "https://api.github.com/user", ResponseType: "code", TokenEndpointAuthMethod: "CLIENT_SECRET_POST"}},
			{Id: "okta", ProviderType: "SAML", On: "FALSE", Name: &localizedMessage{Message: "Okta SAML"},
				AutoSignUpWithProviderUser: "FALSE", TransparentMode: "FALSE", ReuseUserId: "FALSE",
				Config: &providerConfig{SamlMetadata: `<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="http://www.okta.com/demo"><IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://demo.okta.com/app/sso/saml"/></IDPSSODescriptor></EntityDescriptor>`}},
			{Id: "wxopen", ProviderType: "WX_OPEN", On: "TRUE", Name: &localizedMessage{Message: "WeChat", Localized: []messageLocalized{{Message: "微信登录", Locale: "zh-CN"}}},
				AutoSignUpWithProviderUser: "TRUE", TransparentMode: "FALSE", ReuseUserId: "FALSE",
				Config: &providerConfig{ClientId: "wx0demo0appid", ClientSecret: randomHex(16)}},
		},
	}
	for _, p := range a.Providers {
		if p.ProviderType == "OIDC" {
			applyDiscovery(p.Config, false) // as the cloud stores it after discovery
		}
	}
	for i := range 2 {
		k := &storedKey{Type: "api_key", apiKeyToken: apiKeyToken{KeyId: "key-" + randomHex(8), Name: []string{"server-prod", "ci-deploy"}[i], CreateAt: ts}}
		k.ApiKey = fakeJWT(envID, k.KeyId, now)
		a.ApiKeys = append(a.ApiKeys, k)
	}
	pk := &storedKey{Type: "publish_key", apiKeyToken: apiKeyToken{KeyId: "key-" + randomHex(8), Name: "web-frontend", CreateAt: ts}}
	pk.ApiKey = fakeJWT(envID, pk.KeyId, now)
	a.ApiKeys = append(a.ApiKeys, pk)
	return a
}

func ptr[T any](v T) *T { return &v }

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
