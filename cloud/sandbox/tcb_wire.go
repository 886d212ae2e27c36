package sandbox

// The tcb 2018-06-08 wire types the sandbox speaks, written from
// @cloudbase/manager-node's documentation (login configuration, integration)
// and Tencent Cloud's API 3.0 reference for tcb — deliberately not imported from cloud/tcb, so a
// wrong field name on either side fails the tests instead of agreeing with
// itself. Requests are decoded strictly: a field not listed here is an
// InvalidParameter answer, as the real API gives.

// smsVerificationConfig is the SMS verification-code channel.
type smsVerificationConfig struct {
	Type        string `json:"Type,omitempty"`
	Name        string `json:"Name,omitempty"`
	Method      string `json:"Method,omitempty"`
	SmsDayLimit *int   `json:"SmsDayLimit,omitempty"`
}

// mfaConfig is the MFA configuration; every switch is the string TRUE or FALSE.
type mfaConfig struct {
	On                string `json:"On,omitempty"`
	Sms               string `json:"Sms,omitempty"`
	Email             string `json:"Email,omitempty"`
	RequiredBindPhone string `json:"RequiredBindPhone,omitempty"`
}

// pwdUpdateStrategy is the password update policy.
type pwdUpdateStrategy struct {
	FirstLoginUpdate *bool  `json:"FirstLoginUpdate,omitempty"`
	PeriodUpdate     *bool  `json:"PeriodUpdate,omitempty"`
	PeriodValue      *int   `json:"PeriodValue,omitempty"`
	PeriodType       string `json:"PeriodType,omitempty"`
}

// loginConfig is DescribeLoginConfig's answer (the four switches are required there).
type loginConfig struct {
	EmailLogin            bool                   `json:"EmailLogin"`
	AnonymousLogin        bool                   `json:"AnonymousLogin"`
	UserNameLogin         bool                   `json:"UserNameLogin"`
	PhoneNumberLogin      bool                   `json:"PhoneNumberLogin"`
	SmsVerificationConfig *smsVerificationConfig `json:"SmsVerificationConfig,omitempty"`
	MfaConfig             *mfaConfig             `json:"MfaConfig,omitempty"`
	PwdUpdateStrategy     *pwdUpdateStrategy     `json:"PwdUpdateStrategy,omitempty"`
}

// modifyLoginConfigRequest: the four switches are required, the sub-objects
// replace the stored ones when given and leave them alone when not.
type modifyLoginConfigRequest struct {
	PhoneNumberLogin      *bool                  `json:"PhoneNumberLogin"`
	EmailLogin            *bool                  `json:"EmailLogin"`
	UserNameLogin         *bool                  `json:"UserNameLogin"`
	AnonymousLogin        *bool                  `json:"AnonymousLogin"`
	SmsVerificationConfig *smsVerificationConfig `json:"SmsVerificationConfig"`
	MfaConfig             *mfaConfig             `json:"MfaConfig"`
	PwdUpdateStrategy     *pwdUpdateStrategy     `json:"PwdUpdateStrategy"`
}

// clientConfig is an application client as DescribeClient returns it.
type clientConfig struct {
	Id                    string `json:"Id"`
	CreatedAt             string `json:"CreatedAt,omitempty"`
	UpdatedAt             string `json:"UpdatedAt,omitempty"`
	RefreshTokenExpiresIn *int   `json:"RefreshTokenExpiresIn,omitempty"`
	AccessTokenExpiresIn  *int   `json:"AccessTokenExpiresIn,omitempty"`
	MaxDevice             *int   `json:"MaxDevice,omitempty"`
}

type describeClientRequest struct {
	Id string `json:"Id"`
}

type modifyClientRequest struct {
	Id                    string `json:"Id"`
	RefreshTokenExpiresIn *int   `json:"RefreshTokenExpiresIn"`
	AccessTokenExpiresIn  *int   `json:"AccessTokenExpiresIn"`
	MaxDevice             *int   `json:"MaxDevice"`
}

// localizedMessage is a display text with per-language variants.
type localizedMessage struct {
	Message   string             `json:"Message"`
	Localized []messageLocalized `json:"Localized,omitempty"`
}

type messageLocalized struct {
	Message string `json:"Message"`
	Locale  string `json:"Locale"`
}

type requestParametersMap struct {
	ClientId                string `json:"ClientId,omitempty"`
	ClientSecret            string `json:"ClientSecret,omitempty"`
	RedirectUri             string `json:"RedirectUri,omitempty"`
	GrantType               string `json:"GrantType,omitempty"`
	ClientCredentials       string `json:"ClientCredentials,omitempty"`
	AccessToken             string `json:"AccessToken,omitempty"`
	ExpiresIn               string `json:"ExpiresIn,omitempty"`
	AuthPosition            string `json:"AuthPosition,omitempty"`
	RegisterUserRoleId      string `json:"RegisterUserRoleId,omitempty"`
	RegisterUserAutoLicense string `json:"RegisterUserAutoLicense,omitempty"`
	RegisterUserType        string `json:"RegisterUserType,omitempty"`
}

type responseParametersMap struct {
	Sub         string `json:"Sub,omitempty"`
	Name        string `json:"Name,omitempty"`
	Picture     string `json:"Picture,omitempty"`
	Username    string `json:"Username,omitempty"`
	Email       string `json:"Email,omitempty"`
	PhoneNumber string `json:"PhoneNumber,omitempty"`
	Groups      string `json:"Groups,omitempty"`
}

// providerConfig is the ProviderConfig table of the @cloudbase/manager-node documentation.
type providerConfig struct {
	Issuer                  string                 `json:"Issuer,omitempty"`
	JwksUri                 string                 `json:"JwksUri,omitempty"`
	ClientId                string                 `json:"ClientId,omitempty"`
	ClientSecret            string                 `json:"ClientSecret,omitempty"`
	RedirectUri             string                 `json:"RedirectUri,omitempty"`
	Scope                   string                 `json:"Scope,omitempty"`
	AuthorizationEndpoint   string                 `json:"AuthorizationEndpoint,omitempty"`
	TokenEndpoint           string                 `json:"TokenEndpoint,omitempty"`
	UserinfoEndpoint        string                 `json:"UserinfoEndpoint,omitempty"`
	ResponseType            string                 `json:"ResponseType,omitempty"`
	SignoutEndpoint         string                 `json:"SignoutEndpoint,omitempty"`
	TokenEndpointAuthMethod string                 `json:"TokenEndpointAuthMethod,omitempty"`
	SamlMetadata            string                 `json:"SamlMetadata,omitempty"`
	RequestParametersMap    *requestParametersMap  `json:"RequestParametersMap,omitempty"`
	ResponseParametersMap   *responseParametersMap `json:"ResponseParametersMap,omitempty"`
}

type smtpConfig struct {
	SenderAddress   string `json:"SenderAddress"`
	ServerHost      string `json:"ServerHost"`
	ServerPort      int    `json:"ServerPort"`
	AccountUsername string `json:"AccountUsername"`
	AccountPassword string `json:"AccountPassword"`
	SecurityMode    string `json:"SecurityMode,omitempty"`
}

type localizedTemplate struct {
	ZhCN string `json:"ZhCN,omitempty"`
	EnUS string `json:"EnUS,omitempty"`
}

type emailTemplateConfig struct {
	RegisterSignIn *localizedTemplate `json:"RegisterSignIn,omitempty"`
	DefaultTpl     *localizedTemplate `json:"DefaultTpl,omitempty"`
}

type emailConfig struct {
	On             string               `json:"On,omitempty"`
	SmtpConfig     *smtpConfig          `json:"SmtpConfig,omitempty"`
	TemplateConfig *emailTemplateConfig `json:"TemplateConfig,omitempty"`
}

// provider is an identity source as GetProviders lists it.
type provider struct {
	Id                             string            `json:"Id"`
	Config                         *providerConfig   `json:"Config"`
	Name                           *localizedMessage `json:"Name,omitempty"`
	Picture                        string            `json:"Picture,omitempty"`
	Homepage                       string            `json:"Homepage,omitempty"`
	ProviderType                   string            `json:"ProviderType,omitempty"`
	On                             string            `json:"On,omitempty"`
	AutoSignUpWithProviderUser     string            `json:"AutoSignUpWithProviderUser,omitempty"`
	TransparentMode                string            `json:"TransparentMode,omitempty"`
	ReuseUserId                    string            `json:"ReuseUserId,omitempty"`
	EmailConfig                    *emailConfig      `json:"EmailConfig,omitempty"`
	Description                    *localizedMessage `json:"Description,omitempty"`
	AutoSignInWhenEmailMatch       string            `json:"AutoSignInWhenEmailMatch,omitempty"`
	AutoSignInWhenPhoneNumberMatch string            `json:"AutoSignInWhenPhoneNumberMatch,omitempty"`
}

type providerList struct {
	Total int        `json:"Total"`
	Data  []provider `json:"Data"`
}

type addProviderRequest struct {
	Name                           *localizedMessage `json:"Name"`
	ProviderType                   string            `json:"ProviderType"`
	Id                             string            `json:"Id"`
	Picture                        string            `json:"Picture"`
	Homepage                       string            `json:"Homepage"`
	Config                         *providerConfig   `json:"Config"`
	TransparentMode                string            `json:"TransparentMode"`
	On                             string            `json:"On"`
	Description                    *localizedMessage `json:"Description"`
	ReuseUserId                    string            `json:"ReuseUserId"`
	AutoSignInWhenEmailMatch       string            `json:"AutoSignInWhenEmailMatch"`
	AutoSignInWhenPhoneNumberMatch string            `json:"AutoSignInWhenPhoneNumberMatch"`
}

// modifyProviderRequest lists the fields ModifyProvider accepts; the handler
// merges the raw body over the stored provider (incremental update).
type modifyProviderRequest struct {
	Id                             string            `json:"Id"`
	Name                           *localizedMessage `json:"Name"`
	Picture                        string            `json:"Picture"`
	Homepage                       string            `json:"Homepage"`
	ProviderType                   string            `json:"ProviderType"`
	Config                         *providerConfig   `json:"Config"`
	TransparentMode                string            `json:"TransparentMode"`
	On                             string            `json:"On"`
	Description                    *localizedMessage `json:"Description"`
	ReuseUserId                    string            `json:"ReuseUserId"`
	AutoSignUpWithProviderUser     string            `json:"AutoSignUpWithProviderUser"`
	EmailConfig                    *emailConfig      `json:"EmailConfig"`
	AutoSignInWhenEmailMatch       string            `json:"AutoSignInWhenEmailMatch"`
	AutoSignInWhenPhoneNumberMatch string            `json:"AutoSignInWhenPhoneNumberMatch"`
}

type idRequest struct {
	Id string `json:"Id"`
}

type createApiKeyRequest struct {
	KeyType  string `json:"KeyType"`
	KeyName  string `json:"KeyName"`
	ExpireIn *int   `json:"ExpireIn"`
}

// apiKeyToken is CreateApiKey's answer and an item of DescribeApiKeyList.
type apiKeyToken struct {
	KeyId    string `json:"KeyId"`
	Name     string `json:"Name,omitempty"`
	ApiKey   string `json:"ApiKey,omitempty"`
	ExpireAt string `json:"ExpireAt,omitempty"`
	CreateAt string `json:"CreateAt,omitempty"`
}

type describeApiKeyListRequest struct {
	KeyType    string `json:"KeyType"`
	PageNumber int    `json:"PageNumber"`
	PageSize   int    `json:"PageSize"`
}

type apiKeyList struct {
	Data  []apiKeyToken `json:"Data"`
	Total int           `json:"Total"`
}

type deleteApiKeyRequest struct {
	KeyId string `json:"KeyId"`
}

// Integration (@cloudbase/manager-node documentation, integration). The wire spells KeyID/TicketID.

// defaultBusiness is what the official SDK sends when the caller gives none.
const defaultBusiness = "integration"

// defaultPageLimit is the documented default Limit of the list actions.
const defaultPageLimit = 100

type userKeyTemplate struct {
	AuthTypeCode string `json:"AuthTypeCode"`
	AuthTypeName string `json:"AuthTypeName"`
	Ext          string `json:"Ext"`
	AuthURL      string `json:"AuthURL,omitempty"`
	Icon         string `json:"Icon,omitempty"`
	State        string `json:"State,omitempty"`
	RedirectURI  string `json:"RedirectURI,omitempty"`
}

type getUserKeyTemplateListRequest struct {
	Offset       int    `json:"Offset"`
	Limit        int    `json:"Limit"`
	AuthTypeCode string `json:"AuthTypeCode"`
	AuthTypeName string `json:"AuthTypeName"`
	Business     string `json:"Business"`
}

type userKeyTemplateList struct {
	TotalCount      int               `json:"TotalCount"`
	KeyTemplateList []userKeyTemplate `json:"KeyTemplateList"`
}

type userKeyInfo struct {
	Name                 string         `json:"Name"`
	KeyID                string         `json:"KeyID"`
	AuthTypeCode         string         `json:"AuthTypeCode"`
	AuthTypeName         string         `json:"AuthTypeName"`
	Ext                  string         `json:"Ext"`
	Description          string         `json:"Description,omitempty"`
	Status               string         `json:"Status,omitempty"`
	TicketID             string         `json:"TicketID,omitempty"`
	DemoCodeFunctionName string         `json:"DemoCodeFunctionName,omitempty"`
	BindServiceList      map[string]any `json:"BindServiceList,omitempty"`
	CreateAt             string         `json:"CreateAt,omitempty"`
	UpdateAt             string         `json:"UpdateAt,omitempty"`
}

type getUserKeyListRequest struct {
	Offset       int    `json:"Offset"`
	Limit        int    `json:"Limit"`
	Name         string `json:"Name"`
	AuthTypeCode string `json:"AuthTypeCode"`
	Business     string `json:"Business"`
}

type userKeyList struct {
	TotalCount  int           `json:"TotalCount"`
	UserKeyList []userKeyInfo `json:"UserKeyList"`
}

type getOneUserKeyRequest struct {
	KeyID    string `json:"KeyID"`
	NeedPwd  bool   `json:"NeedPwd"`
	Business string `json:"Business"`
}

type oneUserKey struct {
	UserKeyInfo userKeyInfo `json:"UserKeyInfo"`
}

type createUserKeyRequest struct {
	Name                 string         `json:"Name"`
	KeyID                string         `json:"KeyID"`
	AuthTypeCode         string         `json:"AuthTypeCode"`
	Description          string         `json:"Description"`
	Ext                  string         `json:"Ext"`
	TicketID             string         `json:"TicketID"`
	Business             string         `json:"Business"`
	DemoCodeFunctionName string         `json:"DemoCodeFunctionName"`
	RuntimeConfig        map[string]any `json:"RuntimeConfig"`
}

type createUserKeyResult struct {
	CreateResult         int    `json:"CreateResult"`
	DemoCodeFunctionName string `json:"DemoCodeFunctionName,omitempty"`
}

type updateUserKeyRequest struct {
	KeyID                string         `json:"KeyID"`
	Name                 string         `json:"Name"`
	AuthTypeCode         string         `json:"AuthTypeCode"`
	Description          string         `json:"Description"`
	Ext                  *string        `json:"Ext"`
	DemoCodeFunctionName string         `json:"DemoCodeFunctionName"`
	Business             string         `json:"Business"`
	RuntimeConfig        map[string]any `json:"RuntimeConfig"`
}

type updateUserKeyResult struct {
	UpdateResult int `json:"UpdateResult"`
}

type deleteUserKeyRequest struct {
	KeyID string `json:"KeyID"`
}

type deleteUserKeyResult struct {
	DeleteResult int `json:"DeleteResult"`
}

// envInfo is DescribeEnvInfo's answer (the official CLI's lookup before integration calls).
type envInfo struct {
	EnvInfo struct {
		EnvBaseInfo envBaseInfo `json:"EnvBaseInfo"`
	} `json:"EnvInfo"`
}

type envBaseInfo struct {
	EnvId  string `json:"EnvId"`
	Alias  string `json:"Alias,omitempty"`
	Status string `json:"Status,omitempty"`
	Region string `json:"Region,omitempty"`
}

// templateField is one entry of a template Ext's "fields" (only what the
// sandbox needs: which values to mask on reads and which are required).
type templateField struct {
	Name        string `json:"name"`
	Label       string `json:"label,omitempty"`
	Type        string `json:"type,omitempty"`
	Required    bool   `json:"required,omitempty"`
	Placeholder string `json:"placeholder,omitempty"`
}
