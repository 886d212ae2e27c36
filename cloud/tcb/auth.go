package tcb

import (
	"context"

	"github.com/invopop/jsonschema"
)

// The login/auth area of the tcb API (@cloudbase/manager-node documentation, login configuration). Struct
// field names are the wire names, so the same structs are tool inputs; the
// jsonschema tags carry the documented constraints into the tool schemas.

// SmsVerificationConfig is the SMS verification-code channel.
type SmsVerificationConfig struct {
	Type        string `json:"Type,omitempty" jsonschema_description:"e.g. default"`
	Name        string `json:"Name,omitempty"`
	Method      string `json:"Method,omitempty"`
	SmsDayLimit *int   `json:"SmsDayLimit,omitempty" jsonschema:"minimum=-1" jsonschema_description:"Daily sending limit; -1 = unlimited"`
}

// MfaConfig is the multi-factor login configuration.
type MfaConfig struct {
	On                string `json:"On,omitempty" jsonschema:"enum=TRUE,enum=FALSE"`
	Sms               string `json:"Sms,omitempty" jsonschema:"enum=TRUE,enum=FALSE"`
	Email             string `json:"Email,omitempty" jsonschema:"enum=TRUE,enum=FALSE"`
	RequiredBindPhone string `json:"RequiredBindPhone,omitempty" jsonschema:"enum=TRUE,enum=FALSE"`
}

// PwdUpdateStrategy is the password rotation policy.
type PwdUpdateStrategy struct {
	FirstLoginUpdate *bool  `json:"FirstLoginUpdate,omitempty"`
	PeriodUpdate     *bool  `json:"PeriodUpdate,omitempty"`
	PeriodValue      *int   `json:"PeriodValue,omitempty" jsonschema:"minimum=1" jsonschema_description:"In PeriodType units"`
	PeriodType       string `json:"PeriodType,omitempty" jsonschema:"enum=YEAR,enum=MONTH,enum=WEEK,enum=DAY"`
}

// LoginConfig is DescribeLoginConfig's answer and ModifyLoginConfig's full request.
type LoginConfig struct {
	PhoneNumberLogin      bool                   `json:"PhoneNumberLogin"`
	EmailLogin            bool                   `json:"EmailLogin"`
	UserNameLogin         bool                   `json:"UserNameLogin"`
	AnonymousLogin        bool                   `json:"AnonymousLogin"`
	SmsVerificationConfig *SmsVerificationConfig `json:"SmsVerificationConfig,omitempty"`
	MfaConfig             *MfaConfig             `json:"MfaConfig,omitempty"`
	PwdUpdateStrategy     *PwdUpdateStrategy     `json:"PwdUpdateStrategy,omitempty"`
	RequestId             string                 `json:"RequestId,omitempty"`
}

// DescribeLoginConfig reads the login policy.
func (c *Client) DescribeLoginConfig(ctx context.Context) (*LoginConfig, error) {
	var out LoginConfig
	return &out, c.Call(ctx, "DescribeLoginConfig", nil, &out, false)
}

// ModifyLoginConfig replaces the login policy; all four switches are required on the wire.
func (c *Client) ModifyLoginConfig(ctx context.Context, in *LoginConfig) (*RequestResult, error) {
	body := *in
	body.RequestId = ""
	var out RequestResult
	return &out, c.Call(ctx, "ModifyLoginConfig", &body, &out, true)
}

// RequestResult is the answer of actions that return only a RequestId.
type RequestResult struct {
	RequestId string `json:"RequestId"`
}

// ClientConfig is an application client (token lifetimes, session limits).
type ClientConfig struct {
	Id                    string `json:"Id"`
	CreatedAt             string `json:"CreatedAt,omitempty"`
	UpdatedAt             string `json:"UpdatedAt,omitempty"`
	RefreshTokenExpiresIn *int   `json:"RefreshTokenExpiresIn,omitempty"`
	AccessTokenExpiresIn  *int   `json:"AccessTokenExpiresIn,omitempty"`
	MaxDevice             *int   `json:"MaxDevice,omitempty"`
	RequestId             string `json:"RequestId,omitempty"`
}

// DescribeClientRequest names the client to read.
type DescribeClientRequest struct {
	Id string `json:"Id,omitempty" jsonschema:"minLength=1,maxLength=128" jsonschema_description:"Default: the env id"`
}

// DescribeClient reads one client.
func (c *Client) DescribeClient(ctx context.Context, in *DescribeClientRequest) (*ClientConfig, error) {
	var out ClientConfig
	return &out, c.Call(ctx, "DescribeClient", in, &out, false)
}

// ModifyClientRequest changes only the fields it sets.
type ModifyClientRequest struct {
	Id                    string `json:"Id,omitempty" jsonschema:"minLength=1,maxLength=128" jsonschema_description:"Default: the env id (created if missing)"`
	RefreshTokenExpiresIn *int   `json:"RefreshTokenExpiresIn,omitempty" jsonschema:"minimum=1800,maximum=2592000" jsonschema_description:"Seconds (default 2592000)"`
	AccessTokenExpiresIn  *int   `json:"AccessTokenExpiresIn,omitempty" jsonschema:"minimum=1800" jsonschema_description:"Seconds, < RefreshTokenExpiresIn (default 7200)"`
	MaxDevice             *int   `json:"MaxDevice,omitempty" jsonschema:"minimum=-1,maximum=50" jsonschema_description:"Sessions per user: -1 unlimited, 0 per User-Agent, 1..50 exact"`
}

// ModifyClient updates a client incrementally.
func (c *Client) ModifyClient(ctx context.Context, in *ModifyClientRequest) (*RequestResult, error) {
	var out RequestResult
	return &out, c.Call(ctx, "ModifyClient", in, &out, true)
}

// LocalizedMessage is a display text with per-language variants.
type LocalizedMessage struct {
	Message   string             `json:"Message" jsonschema:"minLength=1,maxLength=256"`
	Localized []MessageLocalized `json:"Localized,omitempty" jsonschema:"maxItems=32"`
}

// MessageLocalized is one language's text.
type MessageLocalized struct {
	Message string `json:"Message" jsonschema:"minLength=1,maxLength=256"`
	Locale  string `json:"Locale" jsonschema:"minLength=2,maxLength=16" jsonschema_description:"e.g. en, zh-CN"`
}

// RequestParametersMap maps OAuth request parameters for non-standard IdPs (WeChat, WeCom).
type RequestParametersMap struct {
	ClientId                string `json:"ClientId,omitempty" jsonschema_description:"e.g. appid"`
	ClientSecret            string `json:"ClientSecret,omitempty" jsonschema_description:"A parameter name, not the secret"`
	RedirectUri             string `json:"RedirectUri,omitempty"`
	GrantType               string `json:"GrantType,omitempty"`
	ClientCredentials       string `json:"ClientCredentials,omitempty" jsonschema_description:"e.g. authorization_code"`
	AccessToken             string `json:"AccessToken,omitempty"`
	ExpiresIn               string `json:"ExpiresIn,omitempty"`
	AuthPosition            string `json:"AuthPosition,omitempty" jsonschema:"enum=URL,enum=Headers,enum=Body" jsonschema_description:"Where the token request carries credentials"`
	RegisterUserRoleId      string `json:"RegisterUserRoleId,omitempty" jsonschema_description:"Role given to users it registers"`
	RegisterUserAutoLicense string `json:"RegisterUserAutoLicense,omitempty" jsonschema:"enum=TRUE,enum=FALSE"`
	RegisterUserType        string `json:"RegisterUserType,omitempty" jsonschema:"enum=externalUser,enum=internalUser"`
}

// ResponseParametersMap maps IdP answer fields to standard claims.
type ResponseParametersMap struct {
	Sub         string `json:"Sub,omitempty"`
	Name        string `json:"Name,omitempty"`
	Picture     string `json:"Picture,omitempty"`
	Username    string `json:"Username,omitempty"`
	Email       string `json:"Email,omitempty"`
	PhoneNumber string `json:"PhoneNumber,omitempty"`
	Groups      string `json:"Groups,omitempty"`
}

// ProviderConfig is an identity source's protocol settings.
type ProviderConfig struct {
	Issuer                  string                 `json:"Issuer,omitempty" jsonschema:"format=uri" jsonschema_description:"OIDC: endpoints are discovered from it"`
	JwksUri                 string                 `json:"JwksUri,omitempty" jsonschema:"format=uri"`
	ClientId                string                 `json:"ClientId,omitempty" jsonschema_description:"At the IdP"`
	ClientSecret            string                 `json:"ClientSecret,omitempty" jsonschema:"writeOnly=true" jsonschema_description:"At the IdP"`
	RedirectUri             string                 `json:"RedirectUri,omitempty" jsonschema:"format=uri" jsonschema_description:"Callback registered at the IdP"`
	Scope                   string                 `json:"Scope,omitempty" jsonschema_description:"Space-separated; OIDC needs openid"`
	AuthorizationEndpoint   string                 `json:"AuthorizationEndpoint,omitempty" jsonschema:"format=uri"`
	TokenEndpoint           string                 `json:"TokenEndpoint,omitempty" jsonschema:"format=uri"`
	UserinfoEndpoint        string                 `json:"UserinfoEndpoint,omitempty" jsonschema:"format=uri"`
	ResponseType            string                 `json:"ResponseType,omitempty" jsonschema:"enum=code,enum=token,enum=id_token"`
	SignoutEndpoint         string                 `json:"SignoutEndpoint,omitempty" jsonschema:"format=uri"`
	TokenEndpointAuthMethod string                 `json:"TokenEndpointAuthMethod,omitempty" jsonschema:"enum=CLIENT_SECRET_POST,enum=CLIENT_SECRET_BASIC"`
	SamlMetadata            string                 `json:"SamlMetadata,omitempty" jsonschema:"maxLength=10240" jsonschema_description:"IdP metadata XML"`
	RequestParametersMap    *RequestParametersMap  `json:"RequestParametersMap,omitempty" jsonschema_description:"Parameter names of a non-standard OAuth"`
	ResponseParametersMap   *ResponseParametersMap `json:"ResponseParametersMap,omitempty" jsonschema_description:"User info field names of a non-standard OAuth"`
}

// SmtpConfig is a custom mail server.
type SmtpConfig struct {
	SenderAddress   string `json:"SenderAddress" jsonschema:"format=email"`
	ServerHost      string `json:"ServerHost" jsonschema:"minLength=1,maxLength=253"`
	ServerPort      int    `json:"ServerPort" jsonschema:"minimum=1,maximum=65535" jsonschema_description:"465 SSL, 587 STARTTLS, 25"`
	AccountUsername string `json:"AccountUsername" jsonschema:"minLength=1"`
	AccountPassword string `json:"AccountPassword" jsonschema:"minLength=1,writeOnly=true" jsonschema_description:"SMTP password"`
	SecurityMode    string `json:"SecurityMode,omitempty" jsonschema:"enum=AUTO,enum=SSL,enum=STARTSSL,enum=NO_SSL" jsonschema_description:"Default AUTO"`
}

// LocalizedTemplate is an HTML email template per language.
type LocalizedTemplate struct {
	ZhCN string `json:"ZhCN,omitempty" jsonschema:"maxLength=65536"`
	EnUS string `json:"EnUS,omitempty" jsonschema:"maxLength=65536"`
}

// EmailTemplateConfig holds the verification email templates.
type EmailTemplateConfig struct {
	RegisterSignIn *LocalizedTemplate `json:"RegisterSignIn,omitempty"`
	DefaultTpl     *LocalizedTemplate `json:"DefaultTpl,omitempty"`
}

// EmailConfig is the EMAIL provider's sending configuration.
type EmailConfig struct {
	On             string               `json:"On,omitempty" jsonschema:"enum=TRUE,enum=FALSE" jsonschema_description:"Platform's default sender"`
	SmtpConfig     *SmtpConfig          `json:"SmtpConfig,omitempty"`
	TemplateConfig *EmailTemplateConfig `json:"TemplateConfig,omitempty" jsonschema_description:"HTML, each with {{.VerificationCode}}"`
}

// Provider is an identity source as GetProviders returns it.
type Provider struct {
	Id                             string            `json:"Id"`
	Config                         *ProviderConfig   `json:"Config,omitempty"`
	Name                           *LocalizedMessage `json:"Name,omitempty"`
	Picture                        string            `json:"Picture,omitempty"`
	Homepage                       string            `json:"Homepage,omitempty"`
	ProviderType                   string            `json:"ProviderType,omitempty"`
	On                             string            `json:"On,omitempty"`
	AutoSignUpWithProviderUser     string            `json:"AutoSignUpWithProviderUser,omitempty"`
	TransparentMode                string            `json:"TransparentMode,omitempty"`
	ReuseUserId                    string            `json:"ReuseUserId,omitempty"`
	EmailConfig                    *EmailConfig      `json:"EmailConfig,omitempty"`
	Description                    *LocalizedMessage `json:"Description,omitempty"`
	AutoSignInWhenEmailMatch       string            `json:"AutoSignInWhenEmailMatch,omitempty"`
	AutoSignInWhenPhoneNumberMatch string            `json:"AutoSignInWhenPhoneNumberMatch,omitempty"`
}

// ProviderList is GetProviders' answer.
type ProviderList struct {
	Total     int        `json:"Total"`
	Data      []Provider `json:"Data"`
	RequestId string     `json:"RequestId,omitempty"`
}

// GetProviders lists identity sources (CUSTOM and EMAIL appear as disabled defaults until created).
func (c *Client) GetProviders(ctx context.Context) (*ProviderList, error) {
	var out ProviderList
	return &out, c.Call(ctx, "GetProviders", nil, &out, false)
}

// ProviderIDPattern is the documented form of an identity source id.
const ProviderIDPattern = `^[a-z0-9]{2,32}$`

// ProviderTypes are the documented identity source protocol types.
var ProviderTypes = []string{"OAUTH", "OIDC", "SAML", "WX_MICRO_APP", "WX_QRCODE_MICRO_APP", "WX_CLOUDBASE_MICRO_APP",
	"WX_MP", "WX_OPEN", "WX_WORK_INTERNAL", "WX_WORK_AGENT", "WX_WORK_THIRD_PARTY", "WX_WORK_THIRD_PARTY_ASSOCIATION", "CUSTOM", "EMAIL"}

// AddProviderRequest creates an identity source.
type AddProviderRequest struct {
	Name                           LocalizedMessage  `json:"Name" jsonschema_description:"Display name"`
	ProviderType                   string            `json:"ProviderType"`
	Id                             string            `json:"Id,omitempty" jsonschema_description:"Generated if omitted"`
	Picture                        string            `json:"Picture,omitempty" jsonschema:"format=uri" jsonschema_description:"64x64 SVG"`
	Homepage                       string            `json:"Homepage,omitempty" jsonschema:"format=uri"`
	Config                         *ProviderConfig   `json:"Config,omitempty" jsonschema_description:"Protocol settings"`
	TransparentMode                string            `json:"TransparentMode,omitempty" jsonschema:"enum=TRUE,enum=FALSE,enum=UNSPECIFIED" jsonschema_description:"Default FALSE"`
	On                             string            `json:"On,omitempty" jsonschema:"enum=TRUE,enum=FALSE,enum=UNSPECIFIED" jsonschema_description:"Default TRUE"`
	Description                    *LocalizedMessage `json:"Description,omitempty"`
	ReuseUserId                    string            `json:"ReuseUserId,omitempty" jsonschema:"enum=TRUE,enum=FALSE,enum=UNSPECIFIED" jsonschema_description:"Use the IdP user id"`
	AutoSignInWhenEmailMatch       string            `json:"AutoSignInWhenEmailMatch,omitempty" jsonschema:"enum=TRUE,enum=FALSE,enum=UNSPECIFIED" jsonschema_description:"Link accounts by email (default FALSE)"`
	AutoSignInWhenPhoneNumberMatch string            `json:"AutoSignInWhenPhoneNumberMatch,omitempty" jsonschema:"enum=TRUE,enum=FALSE,enum=UNSPECIFIED" jsonschema_description:"Link accounts by phone (default TRUE)"`
}

// providerSchema states ProviderType's enum and Id's pattern in a request's
// schema from ProviderTypes and ProviderIDPattern, declared once above.
func providerSchema(s *jsonschema.Schema) {
	if p, ok := s.Properties.Get("ProviderType"); ok {
		p.Enum = make([]any, len(ProviderTypes))
		for i, t := range ProviderTypes {
			p.Enum[i] = t
		}
	}
	if p, ok := s.Properties.Get("Id"); ok {
		p.Pattern = ProviderIDPattern
	}
}

// JSONSchemaExtend adds the provider type enum and id pattern.
func (AddProviderRequest) JSONSchemaExtend(s *jsonschema.Schema) { providerSchema(s) }

// JSONSchemaExtend adds the provider type enum and id pattern.
func (ModifyProviderRequest) JSONSchemaExtend(s *jsonschema.Schema) { providerSchema(s) }

// JSONSchemaExtend adds the id pattern.
func (DeleteProviderRequest) JSONSchemaExtend(s *jsonschema.Schema) { providerSchema(s) }

// AddProvider creates an identity source; an existing Id is an error.
func (c *Client) AddProvider(ctx context.Context, in *AddProviderRequest) (*RequestResult, error) {
	var out RequestResult
	return &out, c.Call(ctx, "AddProvider", in, &out, true)
}

// ModifyProviderRequest changes only the fields it sets.
type ModifyProviderRequest struct {
	Id                             string            `json:"Id" jsonschema_description:"Identity source id"`
	Name                           *LocalizedMessage `json:"Name,omitempty" jsonschema_description:"Display name"`
	Picture                        string            `json:"Picture,omitempty" jsonschema:"format=uri" jsonschema_description:"Icon URL"`
	Homepage                       string            `json:"Homepage,omitempty" jsonschema:"format=uri"`
	ProviderType                   string            `json:"ProviderType,omitempty"`
	Config                         *ProviderConfig   `json:"Config,omitempty" jsonschema_description:"Fields given replace stored ones"`
	TransparentMode                string            `json:"TransparentMode,omitempty" jsonschema:"enum=TRUE,enum=FALSE,enum=UNSPECIFIED" jsonschema_description:"TRUE forces ReuseUserId TRUE and AutoSignUpWithProviderUser FALSE"`
	On                             string            `json:"On,omitempty" jsonschema:"enum=TRUE,enum=FALSE,enum=UNSPECIFIED" jsonschema_description:"Enabled"`
	Description                    *LocalizedMessage `json:"Description,omitempty"`
	ReuseUserId                    string            `json:"ReuseUserId,omitempty" jsonschema:"enum=TRUE,enum=FALSE,enum=UNSPECIFIED" jsonschema_description:"Use the IdP user id"`
	AutoSignUpWithProviderUser     string            `json:"AutoSignUpWithProviderUser,omitempty" jsonschema:"enum=TRUE,enum=FALSE,enum=UNSPECIFIED" jsonschema_description:"Register unknown users"`
	EmailConfig                    *EmailConfig      `json:"EmailConfig,omitempty" jsonschema_description:"EMAIL providers only"`
	AutoSignInWhenEmailMatch       string            `json:"AutoSignInWhenEmailMatch,omitempty" jsonschema:"enum=TRUE,enum=FALSE,enum=UNSPECIFIED" jsonschema_description:"Link accounts by email"`
	AutoSignInWhenPhoneNumberMatch string            `json:"AutoSignInWhenPhoneNumberMatch,omitempty" jsonschema:"enum=TRUE,enum=FALSE,enum=UNSPECIFIED" jsonschema_description:"Link accounts by phone"`
}

// ModifyProvider updates a provider incrementally (creates CUSTOM/EMAIL ones on first use).
func (c *Client) ModifyProvider(ctx context.Context, in *ModifyProviderRequest) (*RequestResult, error) {
	var out RequestResult
	return &out, c.Call(ctx, "ModifyProvider", in, &out, true)
}

// DeleteProviderRequest names the provider to delete.
type DeleteProviderRequest struct {
	Id string `json:"Id" jsonschema_description:"Identity source id"`
}

// DeleteProvider deletes an identity source.
func (c *Client) DeleteProvider(ctx context.Context, in *DeleteProviderRequest) (*RequestResult, error) {
	var out RequestResult
	return &out, c.Call(ctx, "DeleteProvider", in, &out, true)
}

// CreateApiKeyRequest creates an access key.
type CreateApiKeyRequest struct {
	KeyType  string `json:"KeyType" jsonschema:"enum=api_key,enum=publish_key" jsonschema_description:"api_key: server admin key (max 5); publish_key: frontend key (one)"`
	KeyName  string `json:"KeyName,omitempty" jsonschema:"maxLength=64" jsonschema_description:"e.g. server-prod"`
	ExpireIn *int   `json:"ExpireIn,omitempty" jsonschema_description:"Lifetime in s: 0 (never expires) or >= 7200"`
}

// JSONSchemaExtend states "0 or >= 7200" in the schema itself.
func (CreateApiKeyRequest) JSONSchemaExtend(s *jsonschema.Schema) {
	if p, ok := s.Properties.Get("ExpireIn"); ok {
		p.AnyOf = []*jsonschema.Schema{{Const: 0}, {Minimum: "7200"}}
	}
}

// ApiKey is an access key; ApiKey holds the token (masked in lists for api_key).
type ApiKey struct {
	KeyId     string `json:"KeyId"`
	Name      string `json:"Name,omitempty"`
	ApiKey    string `json:"ApiKey,omitempty"`
	ExpireAt  string `json:"ExpireAt,omitempty"`
	CreateAt  string `json:"CreateAt,omitempty"`
	RequestId string `json:"RequestId,omitempty"`
}

// CreateApiKey creates a key; the plaintext token is returned only here, once.
func (c *Client) CreateApiKey(ctx context.Context, in *CreateApiKeyRequest) (*ApiKey, error) {
	var out ApiKey
	return &out, c.Call(ctx, "CreateApiKey", in, &out, true)
}

// DescribeApiKeyListRequest pages through keys of one type.
type DescribeApiKeyListRequest struct {
	KeyType    string `json:"KeyType,omitempty" jsonschema:"enum=api_key,enum=publish_key" jsonschema_description:"Default api_key"`
	PageNumber int    `json:"PageNumber,omitempty" jsonschema:"minimum=1" jsonschema_description:"Default 1"`
	PageSize   int    `json:"PageSize,omitempty" jsonschema:"minimum=1,maximum=100"`
}

// ApiKeyList is DescribeApiKeyList's answer.
type ApiKeyList struct {
	Data      []ApiKey `json:"Data"`
	Total     int      `json:"Total"`
	RequestId string   `json:"RequestId,omitempty"`
}

// DescribeApiKeyList lists keys.
func (c *Client) DescribeApiKeyList(ctx context.Context, in *DescribeApiKeyListRequest) (*ApiKeyList, error) {
	var out ApiKeyList
	return &out, c.Call(ctx, "DescribeApiKeyList", in, &out, false)
}

// DeleteApiKeyRequest names the key to delete.
type DeleteApiKeyRequest struct {
	KeyId string `json:"KeyId" jsonschema:"minLength=1,maxLength=128" jsonschema_description:"From cloudbase_describe_api_key_list"`
}

// DeleteApiKey revokes a key; deleting a missing key succeeds (idempotent).
func (c *Client) DeleteApiKey(ctx context.Context, in *DeleteApiKeyRequest) (*RequestResult, error) {
	var out RequestResult
	return &out, c.Call(ctx, "DeleteApiKey", in, &out, true)
}
