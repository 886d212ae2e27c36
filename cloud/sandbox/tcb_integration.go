package sandbox

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/internal/lazyre"
)

// IntegrationState holds an environment's integration templates and
// instances (UserKeys). Ext is stored exactly as sent, never parsed on write:
// the cloud passes it through; only reads parse it to hide sensitive values
// unless NeedPwd is set.
type IntegrationState struct {
	Templates []*storedTemplate `json:"templates"`
	Keys      []*storedUserKey  `json:"keys"`
}

type storedTemplate struct {
	userKeyTemplate
	Business string `json:"business"`
}

type storedUserKey struct {
	userKeyInfo
	Business      string         `json:"business"`
	RuntimeConfig map[string]any `json:"runtimeConfig,omitempty"`
}

// maskedValue is what reads without NeedPwd show for a sensitive field.
const maskedValue = "******"

var keyIDPattern = lazyre.New(`^[A-Za-z0-9_-]{1,64}$`)

func (s *Server) registerIntegration() {
	s.actions["GetUserKeyTemplateList"] = action{fn: getUserKeyTemplateList}
	s.actions["GetUserKeyList"] = action{fn: getUserKeyList}
	s.actions["GetOneUserKey"] = action{fn: getOneUserKey}
	s.actions["CreateUserKey"] = action{fn: createUserKey, mutating: true}
	s.actions["UpdateUserKey"] = action{fn: updateUserKey, mutating: true}
	s.actions["DeleteUserKey"] = action{fn: deleteUserKey, mutating: true}
	s.actions["DescribeEnvInfo"] = action{fn: describeEnvInfo}
}

// integration returns env's integration state, seeding it for state files
// written before the area existed.
func (s *Server) integration(env *Env) *IntegrationState {
	if env.Integration == nil {
		env.Integration = seedIntegration(s.cfg.Now())
	}
	return env.Integration
}

func describeEnvInfo(_ *Server, env *Env, body json.RawMessage) (any, error) {
	if err := decodeStrict(body, &struct{}{}); err != nil {
		return nil, err
	}
	var out envInfo
	out.EnvInfo.EnvBaseInfo = envBaseInfo{EnvId: env.ID, Alias: env.Alias, Status: "NORMAL", Region: env.Region}
	return out, nil
}

func checkPage(offset, limit int) (int, error) {
	if offset < 0 {
		return 0, errf("InvalidParameterValue", "Offset must be at least 0.")
	}
	if limit < 0 {
		return 0, errf("InvalidParameterValue", "Limit must be at least 1.")
	}
	if limit == 0 {
		limit = defaultPageLimit
	}
	return limit, nil
}

func page[T any](all []T, offset, limit int) []T {
	out := []T{}
	if offset < len(all) {
		out = append(out, all[offset:min(offset+limit, len(all))]...)
	}
	return out
}

func fuzzy(s, sub string) bool { return strings.Contains(strings.ToLower(s), strings.ToLower(sub)) }

func getUserKeyTemplateList(s *Server, env *Env, body json.RawMessage) (any, error) {
	var in getUserKeyTemplateListRequest
	if err := decodeStrict(body, &in); err != nil {
		return nil, err
	}
	limit, err := checkPage(in.Offset, in.Limit)
	if err != nil {
		return nil, err
	}
	business := or(in.Business, defaultBusiness)
	var all []userKeyTemplate
	for _, t := range s.integration(env).Templates {
		if t.Business != business || in.AuthTypeCode != "" && t.AuthTypeCode != in.AuthTypeCode ||
			in.AuthTypeName != "" && !fuzzy(t.AuthTypeName, in.AuthTypeName) {
			continue
		}
		all = append(all, t.userKeyTemplate)
	}
	return userKeyTemplateList{TotalCount: len(all), KeyTemplateList: page(all, in.Offset, limit)}, nil
}

func getUserKeyList(s *Server, env *Env, body json.RawMessage) (any, error) {
	var in getUserKeyListRequest
	if err := decodeStrict(body, &in); err != nil {
		return nil, err
	}
	limit, err := checkPage(in.Offset, in.Limit)
	if err != nil {
		return nil, err
	}
	st := s.integration(env)
	business := or(in.Business, defaultBusiness)
	var all []userKeyInfo
	for _, k := range st.Keys {
		if k.Business != business || in.AuthTypeCode != "" && k.AuthTypeCode != in.AuthTypeCode ||
			in.Name != "" && !fuzzy(k.Name, in.Name) {
			continue
		}
		all = append(all, st.view(k, false))
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].CreateAt < all[j].CreateAt })
	return userKeyList{TotalCount: len(all), UserKeyList: page(all, in.Offset, limit)}, nil
}

func getOneUserKey(s *Server, env *Env, body json.RawMessage) (any, error) {
	var in getOneUserKeyRequest
	if err := decodeStrict(body, &in); err != nil {
		return nil, err
	}
	if in.KeyID == "" {
		return nil, errf("MissingParameter", "The parameter KeyID is required.")
	}
	st := s.integration(env)
	k := st.find(in.KeyID, or(in.Business, defaultBusiness))
	if k == nil {
		return nil, errf("ResourceNotFound", "The user key %q does not exist.", in.KeyID)
	}
	return oneUserKey{UserKeyInfo: st.view(k, in.NeedPwd)}, nil
}

func createUserKey(s *Server, env *Env, body json.RawMessage) (any, error) {
	var in createUserKeyRequest
	if err := decodeStrict(body, &in); err != nil {
		return nil, err
	}
	if in.Name == "" {
		return nil, errf("MissingParameter", "The parameter Name is required.")
	}
	if in.AuthTypeCode == "" {
		return nil, errf("MissingParameter", "The parameter AuthTypeCode is required.")
	}
	st := s.integration(env)
	business := or(in.Business, defaultBusiness)
	t := st.template(in.AuthTypeCode, business)
	if t == nil {
		return nil, errf("InvalidParameterValue", "AuthTypeCode %q is not a template of business %q.", in.AuthTypeCode, business)
	}
	if in.KeyID == "" {
		in.KeyID = "uk-" + randomHex(8)
	}
	if !keyIDPattern.MatchString(in.KeyID) {
		return nil, errf("InvalidParameterValue", "KeyID must be 1-64 letters, digits, - or _.")
	}
	if st.find(in.KeyID, "") != nil {
		return nil, errf("ResourceInUse", "The user key %q already exists.", in.KeyID)
	}
	now := s.cfg.Now().UTC().Format(time.RFC3339)
	st.Keys = append(st.Keys, &storedUserKey{Business: business, RuntimeConfig: in.RuntimeConfig, userKeyInfo: userKeyInfo{
		Name: in.Name, KeyID: in.KeyID, AuthTypeCode: t.AuthTypeCode, AuthTypeName: t.AuthTypeName, Ext: in.Ext,
		Description: in.Description, Status: "NORMAL", TicketID: in.TicketID, DemoCodeFunctionName: in.DemoCodeFunctionName,
		BindServiceList: map[string]any{"Mcp": []any{}, "Apis": []any{}, "Other": []any{}}, CreateAt: now, UpdateAt: now}})
	return createUserKeyResult{CreateResult: 0, DemoCodeFunctionName: in.DemoCodeFunctionName}, nil
}

func updateUserKey(s *Server, env *Env, body json.RawMessage) (any, error) {
	var in updateUserKeyRequest
	if err := decodeStrict(body, &in); err != nil {
		return nil, err
	}
	if in.KeyID == "" {
		return nil, errf("MissingParameter", "The parameter KeyID is required.")
	}
	st := s.integration(env)
	business := or(in.Business, defaultBusiness)
	k := st.find(in.KeyID, business)
	if k == nil {
		return nil, errf("ResourceNotFound", "The user key %q does not exist.", in.KeyID)
	}
	next := *k
	if in.AuthTypeCode != "" {
		t := st.template(in.AuthTypeCode, business)
		if t == nil {
			return nil, errf("InvalidParameterValue", "AuthTypeCode %q is not a template of business %q.", in.AuthTypeCode, business)
		}
		next.AuthTypeCode, next.AuthTypeName = t.AuthTypeCode, t.AuthTypeName
	}
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&next.Name, in.Name)
	set(&next.Description, in.Description)
	if in.Ext != nil {
		set(&next.Ext, *in.Ext) // no Ext: the stored one is kept
	}
	set(&next.DemoCodeFunctionName, in.DemoCodeFunctionName)
	if in.RuntimeConfig != nil {
		next.RuntimeConfig = in.RuntimeConfig
	}
	next.UpdateAt = s.cfg.Now().UTC().Format(time.RFC3339)
	*k = next
	return updateUserKeyResult{UpdateResult: 0}, nil
}

func deleteUserKey(s *Server, env *Env, body json.RawMessage) (any, error) {
	var in deleteUserKeyRequest
	if err := decodeStrict(body, &in); err != nil {
		return nil, err
	}
	if in.KeyID == "" {
		return nil, errf("MissingParameter", "The parameter KeyID is required.")
	}
	st := s.integration(env)
	for i, k := range st.Keys {
		if k.KeyID == in.KeyID {
			st.Keys = append(st.Keys[:i], st.Keys[i+1:]...)
			return deleteUserKeyResult{DeleteResult: 0}, nil
		}
	}
	return nil, errf("ResourceNotFound", "The user key %q does not exist.", in.KeyID)
}

// find returns the key with id (in business, unless business is empty).
func (st *IntegrationState) find(id, business string) *storedUserKey {
	for _, k := range st.Keys {
		if k.KeyID == id && (business == "" || k.Business == business) {
			return k
		}
	}
	return nil
}

func (st *IntegrationState) template(code, business string) *storedTemplate {
	for _, t := range st.Templates {
		if t.AuthTypeCode == code && t.Business == business {
			return t
		}
	}
	return nil
}

// view is the key as a read returns it: without needPwd, values of the
// template's password fields are masked. An Ext that is not a JSON object, or
// whose template is gone, is returned as stored.
func (st *IntegrationState) view(k *storedUserKey, needPwd bool) userKeyInfo {
	v := k.userKeyInfo
	if needPwd {
		return v
	}
	t := st.template(k.AuthTypeCode, k.Business)
	if t == nil {
		return v
	}
	fields := parseTemplateFields(t.Ext)
	var ext map[string]any
	if json.Unmarshal([]byte(v.Ext), &ext) != nil {
		return v
	}
	for _, f := range fields {
		if val, ok := ext[f.Name]; ok && f.secret() && val != "" && val != nil {
			ext[f.Name] = maskedValue
		}
	}
	raw, _ := json.Marshal(ext)
	v.Ext = string(raw)
	return v
}

// declaredExt is a template Ext that declares its connector authorization
// method (authMethod: api_key, session_auth, oauth_v2, basic_auth,
// custom_flow, none) next to its fields.
func declaredExt(method string, fields ...templateField) string {
	raw, _ := json.Marshal(map[string]any{"authMethod": method, "fields": fields})
	return string(raw)
}

func extJSON(m map[string]any) string {
	raw, _ := json.Marshal(m)
	return string(raw)
}

// ciphertext stands in for a value the console encrypted: random base64.
func ciphertext() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

func secretField(name, label string) templateField {
	return templateField{Name: name, Label: label, Type: "password", Required: true}
}

func textField(name, label string, required bool) templateField {
	return templateField{Name: name, Label: label, Type: "text", Required: required}
}

// seedIntegration covers the connector authorization methods of the Qinglian
// document (API key, Session Auth, OAuth v2, Basic Auth, custom flow, none),
// plus instances bound to services and one whose template no longer exists.
func seedIntegration(now time.Time) *IntegrationState {
	ts := now.UTC().Format(time.RFC3339)
	tpl := func(code, name, ext string) *storedTemplate {
		return &storedTemplate{Business: defaultBusiness, userKeyTemplate: userKeyTemplate{
			AuthTypeCode: code, AuthTypeName: name, Ext: ext, State: "ONLINE"}}
	}
	oauth := tpl("github_oauth", "GitHub OAuth 2.0", declaredExt("oauth_v2", textField("clientId", "Client ID", true),
		secretField("clientSecret", "Client secret"), textField("scope", "Scopes", false)))
	oauth.AuthURL = "https://github.com/login/oauth/authorize"
	oauth.RedirectURI = "https://console.cloud.tencent.com/tcb/integration/oauth/callback"
	st := &IntegrationState{Templates: []*storedTemplate{
		tpl("openai_api_key", "OpenAI API key", declaredExt("api_key", secretField("apiKey", "API key"),
			templateField{Name: "baseUrl", Label: "Base URL", Type: "url", Placeholder: "https://api.openai.com/v1"})),
		tpl("weixinpaydc", "WeChat Pay", declaredExt("custom_flow", textField("appId", "AppID", true), textField("mchId", "Merchant ID", true),
			secretField("apiV3Key", "APIv3 key"), textField("serialNo", "Certificate serial number", true),
			secretField("privateKey", "Merchant private key (PEM)"))),
		tpl("session_login", "Session auth (login for a token)", declaredExt("session_auth",
			templateField{Name: "loginUrl", Label: "Login URL", Type: "url", Required: true},
			textField("username", "Username", true), secretField("password", "Password"))),
		tpl("basic_auth", "HTTP Basic auth", declaredExt("basic_auth", textField("baseUrl", "Base URL", true),
			textField("username", "Username", true), secretField("password", "Password"))),
		oauth,
		// Ext as the console writes it: keys beyond name/label/type/required
		// (placeholder, rows, a top-level docUrl) that readers must keep, and
		// no declared authMethod (a reader must not guess it from the name).
		tpl("custom_flow", "Custom flow (cloud function)", `{"fields":[{"name":"functionName","label":"Auth cloud function","type":"text","required":true,`+
			`"placeholder":"auth-flow"},{"name":"config","label":"Flow configuration (JSON)","type":"textarea","rows":6}],`+
			`"docUrl":"https://docs.cloudbase.net/integration/custom-flow"}`),
		tpl("no_auth", "No authorization", declaredExt("none")),
	}}
	key := func(id, name, code, typeName, ext string, bind map[string]any) *storedUserKey {
		return &storedUserKey{Business: defaultBusiness, userKeyInfo: userKeyInfo{KeyID: id, Name: name,
			AuthTypeCode: code, AuthTypeName: typeName, Ext: ext, Status: "NORMAL", BindServiceList: bind, CreateAt: ts, UpdateAt: ts}}
	}
	noBinding := map[string]any{"Mcp": []any{}, "Apis": []any{}, "Other": []any{}}
	st.Keys = []*storedUserKey{
		key("openai-prod", "openai-prod", "openai_api_key", "OpenAI API key",
			extJSON(map[string]any{"apiKey": ciphertext(), "baseUrl": "https://api.openai.com/v1"}),
			map[string]any{"Mcp": []any{map[string]any{"Name": "ai-assistant", "Id": "mcp-ai-assistant"}}, "Apis": []any{}, "Other": []any{}}),
		key("wxpay-main", "wxpay-main", "weixinpaydc", "WeChat Pay",
			extJSON(map[string]any{"appId": "wx0demo0appid", "mchId": "1900000109", "apiV3Key": ciphertext(),
				"serialNo": "5157F09EFDC096DE15EBE81A47057A72", "privateKey": ciphertext()}),
			map[string]any{"Mcp": []any{}, "Apis": []any{map[string]any{"Name": "orders-api", "Path": "/orders"}}, "Other": []any{}}),
		key("github-login", "github-login", "github_oauth", "GitHub OAuth 2.0",
			extJSON(map[string]any{"clientId": "Iv1.demo0github0client", "clientSecret": ciphertext(), "scope": "repo read:user"}), noBinding),
		key("crm-basic", "legacy CRM", "basic_auth", "HTTP Basic auth",
			extJSON(map[string]any{"baseUrl": "https://crm.example.com/api", "username": "svc-cloudbase", "password": ciphertext()}),
			map[string]any{"Mcp": []any{}, "Apis": []any{}, "Other": []any{map[string]any{"Name": "nightly-sync", "Type": "function"}}}),
		// Its template was retired: reads cannot mask it, so clients must recognise secrets on their own.
		key("sms-legacy", "sms-legacy", "tencent_sms_v1", "Tencent SMS (retired)",
			extJSON(map[string]any{"sdkAppId": "1400000000", "signName": "Demo", "appKey": ciphertext()}), noBinding),
	}
	st.Keys[2].TicketID = "ticket-" + randomHex(6)
	st.Keys[1].DemoCodeFunctionName = "wxpay-demo"
	return st
}
