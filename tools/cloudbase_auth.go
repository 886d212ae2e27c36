package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/invopop/jsonschema"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/cloudbase"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
	"github.com/cloudops-mcp/cloudops-mcp/internal/secretfile"
	"github.com/cloudops-mcp/cloudops-mcp/prompts"
	"github.com/cloudops-mcp/cloudops-mcp/resources"
)

// ToolsetCloudBaseAuth holds the login/auth configuration tools.
const ToolsetCloudBaseAuth = cloudbase.ToolsetAuth

// tcb is the CloudBase management API client the provider opened (nil when
// none): read at call time, so a client a test swaps in is the one used.
func (d *Deps) tcb() *tcb.Client { return tcb.ClientKey.Get(d.Clients) }

func cloudbaseAuthToolset(d *Deps) *Toolset {
	return NewToolset(ToolsetCloudBaseAuth, "CloudBase login methods and policy, application clients, identity providers, API keys").
		AddTools(getLoginConfig(d), modifyLoginConfig(d), describeClient(d), modifyClient(d),
			getProviders(d), addProvider(d), modifyProvider(d), deleteProvider(d),
			createAPIKey(d), describeAPIKeyList(d), deleteAPIKey(d)).
		AddResources(resources.CloudBaseProviders(d.tcb, d.Redactor)).
		AddPrompts(prompts.CloudBaseAuth(d.tcb, d.Redactor))
}

type noInput struct{}

func getLoginConfig(d *Deps) Tool {
	return defineCloudBase(d, Spec{Name: "cloudbase_get_login_config", Title: "Get login configuration", Toolset: ToolsetCloudBaseAuth,
		Description: "Read the environment's login policy: which login methods are on (phone SMS, email, username/password, anonymous), SMS channel, MFA and password rotation.",
		ReadOnly:    true},
		func(ctx context.Context, _ *noInput) (*tcb.LoginConfig, error) {
			return d.tcb().DescribeLoginConfig(ctx)
		})
}

type modifyLoginConfigInput struct {
	PhoneNumberLogin      *bool                      `json:"PhoneNumberLogin,omitempty" jsonschema_description:"Phone SMS login on/off"`
	EmailLogin            *bool                      `json:"EmailLogin,omitempty" jsonschema_description:"Email login on/off"`
	UserNameLogin         *bool                      `json:"UserNameLogin,omitempty" jsonschema_description:"Username/password login on/off"`
	AnonymousLogin        *bool                      `json:"AnonymousLogin,omitempty" jsonschema_description:"Anonymous login on/off"`
	SmsVerificationConfig *tcb.SmsVerificationConfig `json:"SmsVerificationConfig,omitempty" jsonschema_description:"SMS channel"`
	MfaConfig             *tcb.MfaConfig             `json:"MfaConfig,omitempty" jsonschema_description:"MFA settings"`
	PwdUpdateStrategy     *tcb.PwdUpdateStrategy     `json:"PwdUpdateStrategy,omitempty" jsonschema_description:"Password rotation"`
}

func (in *modifyLoginConfigInput) Validate() error {
	if in.PhoneNumberLogin == nil && in.EmailLogin == nil && in.UserNameLogin == nil && in.AnonymousLogin == nil &&
		in.SmsVerificationConfig == nil && in.MfaConfig == nil && in.PwdUpdateStrategy == nil {
		return Invalid("arguments: give at least one setting to change")
	}
	return nil
}

// apply returns the full configuration the API needs: current values, with
// only what the caller passed changed. A sub-object the caller passes is
// merged field by field over the stored one: the API replaces a sub-object
// whole, so {"MfaConfig":{"On":"TRUE"}} sent as given would drop the stored
// Sms, Email and RequiredBindPhone.
func (in *modifyLoginConfigInput) apply(cur tcb.LoginConfig) tcb.LoginConfig {
	next := cur
	next.RequestId = ""
	set := func(dst *bool, v *bool) {
		if v != nil {
			*dst = *v
		}
	}
	set(&next.PhoneNumberLogin, in.PhoneNumberLogin)
	set(&next.EmailLogin, in.EmailLogin)
	set(&next.UserNameLogin, in.UserNameLogin)
	set(&next.AnonymousLogin, in.AnonymousLogin)
	if g := in.SmsVerificationConfig; g != nil {
		next.SmsVerificationConfig = patched(cur.SmsVerificationConfig, func(m *tcb.SmsVerificationConfig) {
			setStr(&m.Type, g.Type)
			setStr(&m.Name, g.Name)
			setStr(&m.Method, g.Method)
			setPtr(&m.SmsDayLimit, g.SmsDayLimit)
		})
	}
	if g := in.MfaConfig; g != nil {
		next.MfaConfig = patched(cur.MfaConfig, func(m *tcb.MfaConfig) {
			setStr(&m.On, g.On)
			setStr(&m.Sms, g.Sms)
			setStr(&m.Email, g.Email)
			setStr(&m.RequiredBindPhone, g.RequiredBindPhone)
		})
	}
	if g := in.PwdUpdateStrategy; g != nil {
		next.PwdUpdateStrategy = patched(cur.PwdUpdateStrategy, func(m *tcb.PwdUpdateStrategy) {
			setPtr(&m.FirstLoginUpdate, g.FirstLoginUpdate)
			setPtr(&m.PeriodUpdate, g.PeriodUpdate)
			setPtr(&m.PeriodValue, g.PeriodValue)
			setStr(&m.PeriodType, g.PeriodType)
		})
	}
	return next
}

// patched is a copy of cur (zero when nil) with apply's changes: the
// current group stays as it is except for the fields the caller sets.
func patched[T any](cur *T, apply func(*T)) *T {
	m := new(T)
	if cur != nil {
		*m = *cur
	}
	apply(m)
	return m
}

func setStr(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}

func setPtr[T any](dst **T, v *T) {
	if v != nil {
		*dst = v
	}
}

// checkMergedLoginConfig checks the cross-field rules on the configuration
// as it will be after the merge, so a rule broken by a stored value is caught too.
func checkMergedLoginConfig(next tcb.LoginConfig) error {
	if p := next.PwdUpdateStrategy; p != nil && p.PeriodUpdate != nil && *p.PeriodUpdate {
		if p.PeriodValue == nil || p.PeriodType == "" {
			return Invalid("PwdUpdateStrategy: periodic password changes (PeriodUpdate true) need PeriodValue and PeriodType; "+
				"after merging with the current policy they are %s and %s — give them", showOpt(p.PeriodValue), show(p.PeriodType))
		}
	}
	return nil
}

func showOpt(v *int) string {
	if v == nil {
		return "(unset)"
	}
	return fmt.Sprint(*v)
}

type loginConfigChange struct {
	Before tcb.LoginConfig `json:"Before"`
	After  tcb.LoginConfig `json:"After"`
	// Changed is false when the settings given equal the current ones: nothing was sent.
	Changed   bool   `json:"Changed"`
	RequestId string `json:"RequestId,omitempty"`
	// Warnings name what the new configuration lacks to work (e.g. email login with no sender).
	Warnings []string `json:"warnings,omitempty"`
}

func modifyLoginConfig(d *Deps) Tool {
	return defineCloudBase(d, Spec{Name: "cloudbase_modify_login_config", Title: "Modify login configuration", Toolset: ToolsetCloudBaseAuth,
		Description: "Change login methods, SMS, MFA or password policy. Pass only what should change: the server reads the current " +
			"configuration, applies your fields (inside SmsVerificationConfig, MfaConfig and PwdUpdateStrategy too: fields you leave out " +
			"keep their value), sends the full set, and returns before/after.",
		Destructive: true, Idempotent: true, CheckWith: "cloudbase_get_login_config",
		Summarize: summarizeLoginConfig(d)},
		func(ctx context.Context, in *modifyLoginConfigInput) (*loginConfigChange, error) {
			before, err := d.tcb().DescribeLoginConfig(ctx)
			if err != nil {
				return nil, err
			}
			before.RequestId = ""
			next := in.apply(*before)
			if err := checkMergedLoginConfig(next); err != nil {
				return nil, err
			}
			if same(next, *before) {
				return d.warnEmailSender(ctx, &loginConfigChange{Before: *before, After: *before}), nil
			}
			if err := unaskedChange(ctx, "The login configuration"); err != nil {
				return nil, err
			}
			res, err := d.tcb().ModifyLoginConfig(ctx, &next)
			if err != nil {
				return nil, err
			}
			after, err := d.tcb().DescribeLoginConfig(ctx)
			if err != nil {
				return nil, fmt.Errorf("the change was applied (RequestId %s) but reading it back failed: %w", res.RequestId, err)
			}
			after.RequestId = ""
			return d.warnEmailSender(ctx, &loginConfigChange{Before: *before, After: *after, Changed: true, RequestId: res.RequestId}), nil
		})
}

// warnEmailSender adds a warning when email login is on (turned on now or
// on already: "turn it on" then finds nothing to do, but still does not
// work) and no email can be sent: the sender is another object, the EMAIL
// provider.
func (d *Deps) warnEmailSender(ctx context.Context, out *loginConfigChange) *loginConfigChange {
	if !out.After.EmailLogin {
		return out
	}
	if providers, err := d.tcb().GetProviders(ctx); err == nil {
		if why, fix := prompts.EmailSender(providers.Data); why != "" {
			out.Warnings = append(out.Warnings, "Email login is on, but no email can be sent: "+why+
				". Users cannot get a sign-in code until a sender works. "+fix)
		}
	}
	return out
}

// sameInt: a value not given (nil) changes nothing; one given must equal cur.
func sameInt(v, cur *int) bool { return v == nil || cur != nil && *v == *cur }

func describeClient(d *Deps) Tool {
	return defineCloudBase(d, Spec{Name: "cloudbase_describe_client", Title: "Describe application client", Toolset: ToolsetCloudBaseAuth,
		Description: "Read a client's token lifetimes and session limit; without Id, the environment's default client (Id = env id).",
		ReadOnly:    true},
		func(ctx context.Context, in *tcb.DescribeClientRequest) (*tcb.ClientConfig, error) {
			in.Id = or(in.Id, d.tcb().EnvID(ctx))
			return d.tcb().DescribeClient(ctx, in)
		})
}

type modifyClientInput struct{ tcb.ModifyClientRequest }

func (in *modifyClientInput) Validate() error {
	a, r := in.AccessTokenExpiresIn, in.RefreshTokenExpiresIn
	if a != nil && r != nil && *a >= *r {
		return Invalid("AccessTokenExpiresIn: must be less than RefreshTokenExpiresIn (got %d >= %d)", *a, *r)
	}
	if a == nil && r == nil && in.MaxDevice == nil {
		return Invalid("arguments: give at least one of RefreshTokenExpiresIn, AccessTokenExpiresIn, MaxDevice")
	}
	return nil
}

type clientChange struct {
	Before    tcb.ClientConfig `json:"Before"`
	After     tcb.ClientConfig `json:"After"`
	Changed   bool             `json:"Changed"`
	RequestId string           `json:"RequestId,omitempty"` // absent when nothing was sent
}

func modifyClient(d *Deps) Tool {
	return defineCloudBase(d, Spec{Name: "cloudbase_modify_client", Title: "Modify application client", Toolset: ToolsetCloudBaseAuth,
		Description: "Change a client's token lifetimes or session limit; only the fields given change. Without Id, the default client (Id = env id). Returns before/after.",
		Idempotent:  true, CheckWith: "cloudbase_describe_client"},
		func(ctx context.Context, in *modifyClientInput) (*clientChange, error) {
			in.Id = or(in.Id, d.tcb().EnvID(ctx))
			cur, err := d.tcb().DescribeClient(ctx, &tcb.DescribeClientRequest{Id: in.Id})
			if err != nil {
				return nil, err
			}
			cur.RequestId = ""
			// Check access < refresh against the stored value of the field not given.
			if (in.AccessTokenExpiresIn == nil) != (in.RefreshTokenExpiresIn == nil) {
				a, r := in.AccessTokenExpiresIn, in.RefreshTokenExpiresIn
				if a == nil {
					a = cur.AccessTokenExpiresIn
				}
				if r == nil {
					r = cur.RefreshTokenExpiresIn
				}
				if a != nil && r != nil && *a >= *r {
					return nil, Invalid("AccessTokenExpiresIn: must be less than RefreshTokenExpiresIn (would be %d >= %d)", *a, *r)
				}
			}
			if sameInt(in.RefreshTokenExpiresIn, cur.RefreshTokenExpiresIn) && sameInt(in.AccessTokenExpiresIn, cur.AccessTokenExpiresIn) &&
				sameInt(in.MaxDevice, cur.MaxDevice) {
				return &clientChange{Before: *cur, After: *cur}, nil // every value given is the current one: nothing is sent
			}
			res, err := d.tcb().ModifyClient(ctx, &in.ModifyClientRequest)
			if err != nil {
				return nil, err
			}
			after, err := d.tcb().DescribeClient(ctx, &tcb.DescribeClientRequest{Id: in.Id})
			if err != nil {
				return nil, fmt.Errorf("the change was applied (RequestId %s) but reading it back failed: %w", res.RequestId, err)
			}
			after.RequestId = ""
			return &clientChange{Before: *cur, After: *after, Changed: !same(cur, after), RequestId: res.RequestId}, nil
		})
}

func getProviders(d *Deps) Tool {
	return defineCloudBase(d, Spec{Name: "cloudbase_get_providers", Title: "List identity providers", Toolset: ToolsetCloudBaseAuth,
		Description: "List identity sources (OAuth, OIDC, SAML, WeChat, custom, email). Client secrets are redacted.",
		ReadOnly:    true},
		func(ctx context.Context, _ *noInput) (*tcb.ProviderList, error) { return d.tcb().GetProviders(ctx) })
}

type addProviderInput struct{ tcb.AddProviderRequest }

func (in *addProviderInput) Validate() error {
	if in.ProviderType == "OIDC" && in.Config != nil && in.Config.Scope != "" && !hasScope(in.Config.Scope, "openid") {
		return Invalid("Config.Scope: an OIDC provider's scopes must include openid (got %q); e.g. \"openid email profile\"", in.Config.Scope)
	}
	return checkProvider(in.ProviderType, in.Config, nil)
}

func hasScope(scopes, want string) bool {
	for _, s := range strings.Fields(scopes) {
		if s == want {
			return true
		}
	}
	return false
}

// checkProvider applies the documented cross-field rules (the @cloudbase/manager-node documentation) for a provider's Config and email templates.
func checkProvider(typ string, cfg *tcb.ProviderConfig, ec *tcb.EmailConfig) error {
	var problems []string
	if typ != "" {
		for _, f := range tcb.MissingConfigFields(typ, cfg) {
			problems = append(problems, fmt.Sprintf("Config.%s: required for %s providers", f, typ))
		}
	}
	for path, html := range tcb.EmailTemplates(ec) {
		if err := tcb.CheckEmailTemplate(html); err != nil {
			problems = append(problems, path+": "+err.Error())
		}
	}
	if ec != nil && typ != "" && typ != "EMAIL" {
		problems = append(problems, "EmailConfig: only valid for EMAIL providers (ProviderType is "+typ+")")
	}
	if len(problems) > 0 {
		return &InputError{Problems: problems}
	}
	return nil
}

type providerChange struct {
	// Id names the provider, also when the cloud generated it.
	Id string `json:"Id,omitempty"`
	// Before is absent for a provider the call created.
	Before    *providerView `json:"Before,omitempty"`
	After     *providerView `json:"After,omitempty"`
	Changed   bool          `json:"Changed"`
	RequestId string        `json:"RequestId,omitempty"`
}

// providerView is a provider read back after a change. Its output schema is
// a plain object: cloudbase_get_providers already describes the full shape,
// and repeating it in every change tool would cost ~3 KB of catalogue each.
type providerView tcb.Provider

// JSONSchema implements jsonschema's custom-schema hook.
func (providerView) JSONSchema() *jsonschema.Schema { return &jsonschema.Schema{Type: "object"} }

func findProvider(ctx context.Context, d *Deps, id string) (*tcb.Provider, error) {
	list, err := d.tcb().GetProviders(ctx)
	if err != nil {
		return nil, err
	}
	for i := range list.Data {
		if list.Data[i].Id == id {
			return &list.Data[i], nil
		}
	}
	return nil, nil
}

// providerSecretFor names the identity provider a secret is for, on the user's page.
func providerSecretFor(_ context.Context, args map[string]any) string {
	return strings.TrimSpace("identity provider " + argString(args, "Id"))
}

func addProvider(d *Deps) Tool {
	return defineCloudBase(d, Spec{Name: "cloudbase_add_provider", Title: "Add identity provider", Toolset: ToolsetCloudBaseAuth, SecretFor: providerSecretFor,
		Description: "Add an identity source (max 20 per env; an existing Id is an error; without Id one is generated and returned). " +
			"OIDC: Issuer (endpoints are discovered from it), or endpoints+JwksUri; Scope must include openid. " +
			"OAUTH: ClientId, ClientSecret, RedirectUri, Scope, AuthorizationEndpoint, TokenEndpoint; SAML: SamlMetadata.",
		CheckWith: "cloudbase_get_providers", Target: freeProviderID(d), TargetFirst: true},
		func(ctx context.Context, in *addProviderInput) (*providerChange, error) {
			// AddProvider answers only a RequestId: without an Id, the generated
			// one is the provider that was not listed before the call.
			var known map[string]bool
			if in.Id == "" {
				list, err := d.tcb().GetProviders(ctx)
				if err != nil {
					return nil, err
				}
				known = map[string]bool{}
				for _, p := range list.Data {
					known[p.Id] = true
				}
			}
			res, err := d.tcb().AddProvider(ctx, &in.AddProviderRequest)
			if err != nil {
				return nil, addProviderAdvice(in.Id, err)
			}
			out := &providerChange{Id: in.Id, Changed: true, RequestId: res.RequestId}
			if in.Id == "" {
				out.Id = newProviderID(ctx, d, known, in.ProviderType)
			}
			d.providerChanged(ctx, out.Id)
			if out.Id != "" {
				p, _ := findProvider(ctx, d, out.Id) // best effort read-back
				out.After = (*providerView)(p)
			}
			return out, nil
		})
}

// newProviderID finds the provider of type typ that known lacks; "" when the
// list cannot say (read failed, or another caller added one of that type meanwhile).
func newProviderID(ctx context.Context, d *Deps, known map[string]bool, typ string) string {
	list, err := d.tcb().GetProviders(ctx)
	if err != nil {
		return ""
	}
	id := ""
	for _, p := range list.Data {
		if !known[p.Id] && p.ProviderType == typ {
			if id != "" {
				return ""
			}
			id = p.Id
		}
	}
	return id
}

type modifyProviderInput struct{ tcb.ModifyProviderRequest }

func (in *modifyProviderInput) Validate() error {
	if in.Config != nil && len(in.Config.SamlMetadata) > tcb.MaxSamlMetadata {
		return Invalid("Config.SamlMetadata: too long: %d bytes, at most %d", len(in.Config.SamlMetadata), tcb.MaxSamlMetadata)
	}
	return checkProvider("", nil, in.EmailConfig)
}

func modifyProvider(d *Deps) Tool {
	return defineCloudBase(d, Spec{Name: "cloudbase_modify_provider", Title: "Modify identity provider", Toolset: ToolsetCloudBaseAuth, SecretFor: providerSecretFor,
		Description: "Change an identity source; only the fields given change (Config fields merge); returns before/after. Creates the CUSTOM or EMAIL " +
			"source (Id custom/email) on first use; other ids must exist (cloudbase_add_provider adds them). Email templates must contain {{.VerificationCode}}.",
		Destructive: true, Idempotent: true, CheckWith: "cloudbase_get_providers", Summarize: summarizeModifyProvider(d),
		Target: func(ctx context.Context, args map[string]any) error {
			id, _ := args["Id"].(string)
			_, err := existingProvider(ctx, d, id)
			return err
		}},
		func(ctx context.Context, in *modifyProviderInput) (*providerChange, error) {
			cur, err := existingProvider(ctx, d, in.Id)
			if err != nil {
				return nil, err
			}
			if in.EmailConfig != nil {
				// EmailConfig belongs to EMAIL providers only; the stored type decides when none is given.
				typ := in.ProviderType
				if typ == "" && cur != nil {
					typ = cur.ProviderType
				}
				if typ != "" && typ != "EMAIL" {
					return nil, Invalid("EmailConfig: only valid for EMAIL providers (ProviderType is %s)", typ)
				}
			}
			if cur != nil && len(changedFields(cur, toJSONMap(in.ModifyProviderRequest), "Id")) == 0 {
				return &providerChange{Before: (*providerView)(cur), After: (*providerView)(cur)}, nil
			}
			if err := unaskedChange(ctx, "Provider "+in.Id); err != nil {
				return nil, err
			}
			res, err := d.tcb().ModifyProvider(ctx, &in.ModifyProviderRequest)
			if err != nil {
				return nil, err
			}
			d.providerChanged(ctx, in.Id)
			p, _ := findProvider(ctx, d, in.Id)
			return &providerChange{Before: (*providerView)(cur), After: (*providerView)(p), Changed: true, RequestId: res.RequestId}, nil
		})
}

type deleted struct {
	Id        string `json:"Id"`
	Deleted   bool   `json:"Deleted"`
	RequestId string `json:"RequestId"`
}

func deleteProvider(d *Deps) Tool {
	return defineCloudBase(d, Spec{Name: "cloudbase_delete_provider", Title: "Delete identity provider", Toolset: ToolsetCloudBaseAuth,
		Description: "Delete an identity source. Users can no longer sign in through it.",
		Destructive: true, CheckWith: "cloudbase_get_providers", Summarize: summarizeDeleteProvider(d)},
		func(ctx context.Context, in *tcb.DeleteProviderRequest) (*deleted, error) {
			if _, err := existingProvider(ctx, d, in.Id); err != nil {
				return nil, err
			}
			if err := unaskedChange(ctx, "Provider "+in.Id); err != nil {
				return nil, err
			}
			res, err := d.tcb().DeleteProvider(ctx, in)
			if err != nil {
				return nil, err
			}
			d.providerChanged(ctx, in.Id)
			return &deleted{Id: in.Id, Deleted: true, RequestId: res.RequestId}, nil
		})
}

type createAPIKeyInput struct {
	tcb.CreateApiKeyRequest
	DeliverTo // required for an api_key: the key goes to a file for the user, never into the result
}

// JSONSchemaExtend states in the schema that an api_key needs deliverTo: its
// value is shown once, and never in this conversation.
func (createAPIKeyInput) JSONSchemaExtend(s *jsonschema.Schema) {
	tcb.CreateApiKeyRequest{}.JSONSchemaExtend(s)
	s.If = &jsonschema.Schema{Properties: jsonschema.NewProperties(), Required: []string{"KeyType"}}
	s.If.Properties.Set("KeyType", &jsonschema.Schema{Const: "api_key"})
	s.Then = &jsonschema.Schema{Required: []string{"deliverTo"}}
}

// revealedAPIKeyInput is the input under --reveal-secrets, where a new key
// may be shown once in the result: deliverTo is optional there.
type revealedAPIKeyInput struct{ createAPIKeyInput }

// JSONSchemaExtend keeps the request's own rules, without requiring deliverTo.
func (revealedAPIKeyInput) JSONSchemaExtend(s *jsonschema.Schema) {
	tcb.CreateApiKeyRequest{}.JSONSchemaExtend(s)
}

func (in *createAPIKeyInput) Validate() error {
	if e := in.ExpireIn; e != nil && *e != 0 && *e < 7200 {
		return Invalid("ExpireIn: must be 0 (never expires) or at least 7200 (got %d)", *e)
	}
	if in.KeyType == "publish_key" && in.ExpireIn != nil {
		return Invalid("ExpireIn: publish_key has a fixed lifetime; omit ExpireIn")
	}
	return nil
}

type createdAPIKey struct {
	tcb.ApiKey
	Note      string               `json:"Note,omitempty"`
	Delivered *secretfile.Delivery `json:"Delivered,omitempty"`
}

func createAPIKey(d *Deps) Tool {
	spec := Spec{Name: "cloudbase_create_api_key", Title: "Create API key", Toolset: ToolsetCloudBaseAuth,
		Description: "Create an API key (api_key: server admin, max 5, ExpireIn 0 or >= 7200 s; publish_key: frontend, one per env). " +
			"The token is returned once and withheld from this conversation: an api_key needs deliverTo, the file the user gets it in " +
			"(the user is asked for one when it is missing and the client supports elicitation).",
		CheckWith: "cloudbase_describe_api_key_list",
		Target: func(ctx context.Context, args map[string]any) error {
			name, _ := args["KeyName"].(string)
			return freeKeyName(ctx, d, name)
		}}
	create := func(ctx context.Context, in *createAPIKeyInput) (*createdAPIKey, error) {
		if err := freeKeyName(ctx, d, in.KeyName); err != nil {
			return nil, err
		}
		if in.KeyType == "api_key" && in.DeliverTo.DeliverTo == "" && !d.redactor(ctx).Reveal() {
			// The token is shown once and withheld here: without a file nobody would ever see it,
			// and it would hold one of the five slots.
			return nil, deliverToRequired(in.KeyName)
		}
		k, del, err := Deliver(ctx, d, in.DeliverTo.DeliverTo,
			func(ctx context.Context) (*tcb.ApiKey, error) {
				return d.tcb().CreateApiKey(ctx, &in.CreateApiKeyRequest)
			},
			func(k *tcb.ApiKey) (*string, string) { return &k.ApiKey, k.KeyId })
		if err != nil {
			return nil, err
		}
		out := &createdAPIKey{ApiKey: *k, Delivered: del}
		switch {
		case del != nil:
			out.Note = "The key value was written to " + del.Path + " (mode 0600) for the user; it is not shown here."
		case !d.Redactor.Reveal():
			out.Note = "The key value is returned only once and was withheld from this conversation. To hand it to the user, " +
				"delete this key and create a new one with deliverTo (a file name), or an operator restarts the server with --reveal-secrets."
		}
		return out, nil
	}
	if d.Redactor != nil && d.Redactor.Reveal() {
		return defineCloudBase(d, spec, func(ctx context.Context, in *revealedAPIKeyInput) (*createdAPIKey, error) {
			return create(ctx, &in.createAPIKeyInput)
		})
	}
	spec.Ask = func(ctx context.Context, args map[string]any) *Question {
		if args["KeyType"] != "api_key" || args["deliverTo"] != nil && args["deliverTo"] != "" {
			return nil
		}
		name, _ := args["KeyName"].(string)
		where := "the server's secrets folder"
		if d.Secrets != nil {
			where = d.Secrets.Path()
		}
		return &Question{Field: "deliverTo",
			Message: "A new API key is shown only once and never in this conversation. Which file in " + where +
				" should it be written to for you (mode 0600, never overwritten)?",
			Title:       "File for the new API key",
			Description: "A file name (letters, digits, . _ -), created in " + where,
			Default:     keyFileName(name),
			Declined:    "no API key was created",
			Refusal:     deliverToRequired(name)}
	}
	return defineCloudBase(d, spec, create)
}

// freeKeyName refuses a key name in use: the cloud would create a second key
// of that name, and revoking "by name" would then be ambiguous, or, once
// one is gone, hit the other one.
func freeKeyName(ctx context.Context, d *Deps, name string) error {
	if name == "" {
		return nil
	}
	k, typ, err := findAPIKey(ctx, d, "", name)
	var in *InputError
	switch {
	case err == nil:
		when := "created " + k.CreateAt
		if k.ExpireAt != "" {
			when += ", expires " + k.ExpireAt
		}
		return Invalid("KeyName: %q is taken by API key %s (%s, %s): nothing was created. Pick another KeyName (e.g. %q), "+
			"or revoke that key first with cloudbase_delete_api_key {\"KeyId\":%q}", name, k.KeyId, typ, when, name+"-2", k.KeyId)
	case errors.As(err, &in): // several keys have the name already
		return Invalid("KeyName: %q is taken by several API keys already (cloudbase_describe_api_key_list shows them): nothing was created; "+
			"pick another KeyName (e.g. %q)", name, name+"-2")
	case cloud.IsNotFound(err):
		return nil
	}
	return err
}

// deliverToRequired is the one-line fix for an api_key without deliverTo.
func deliverToRequired(keyName string) error {
	return Invalid("deliverTo: required for an api_key: its value is shown only once and never in this conversation; "+
		"call again with a file name for the user, e.g. \"deliverTo\": %q", keyFileName(keyName))
}

func describeAPIKeyList(d *Deps) Tool {
	return defineCloudBase(d, Spec{Name: "cloudbase_describe_api_key_list", Title: "List API keys", Toolset: ToolsetCloudBaseAuth,
		Description: "List API keys of one type (default api_key), paged. Token values are redacted.",
		ReadOnly:    true},
		func(ctx context.Context, in *tcb.DescribeApiKeyListRequest) (*tcb.ApiKeyList, error) {
			return d.tcb().DescribeApiKeyList(ctx, in)
		})
}

func deleteAPIKey(d *Deps) Tool {
	return defineCloudBase(d, Spec{Name: "cloudbase_delete_api_key", Title: "Delete API key", Toolset: ToolsetCloudBaseAuth,
		Description: "Revoke an API key, named by KeyId or KeyName (a unique name); requests using it fail afterwards.",
		Destructive: true, Idempotent: true, CheckWith: "cloudbase_describe_api_key_list",
		Summarize: summarizeDeleteAPIKey(d)},
		func(ctx context.Context, in *deleteAPIKeyInput) (*deleted, error) {
			k, _, err := findAPIKey(ctx, d, in.KeyId, in.KeyName)
			if err != nil {
				return nil, err
			}
			if err := unaskedChange(ctx, "API key "+k.KeyId); err != nil {
				return nil, err
			}
			res, err := d.tcb().DeleteApiKey(ctx, &tcb.DeleteApiKeyRequest{KeyId: k.KeyId})
			if err != nil {
				return nil, err
			}
			return &deleted{Id: k.KeyId, Deleted: true, RequestId: res.RequestId}, nil
		})
}

// Confirmation lines (see confirm.go), read from current state.

// loginMethods are the four switches of the login policy, in display order.
var loginMethods = []struct{ field, label string }{
	{"PhoneNumberLogin", "phone SMS"}, {"EmailLogin", "email"}, {"UserNameLogin", "username/password"}, {"AnonymousLogin", "anonymous"},
}

func summarizeLoginConfig(d *Deps) func(context.Context, map[string]any) (string, error) {
	return func(ctx context.Context, args map[string]any) (string, error) {
		cur, err := d.tcb().DescribeLoginConfig(ctx)
		if err != nil {
			return "", err
		}
		now := map[string]bool{"PhoneNumberLogin": cur.PhoneNumberLogin, "EmailLogin": cur.EmailLogin,
			"UserNameLogin": cur.UserNameLogin, "AnonymousLogin": cur.AnonymousLogin}
		var changes, on []string
		enabling := false
		for _, m := range loginMethods {
			next := now[m.field]
			if v, ok := args[m.field].(bool); ok {
				if v != next {
					enabling = enabling || v
					changes = append(changes, map[bool]string{true: "enable", false: "disable"}[v]+" "+m.label+" login")
				}
				next = v
			}
			if next {
				on = append(on, m.label)
			}
		}
		// The sub-objects as they will be after the merge: what changes, and the whole merged result.
		var in modifyLoginConfigInput
		raw, _ := json.Marshal(args)
		_ = json.Unmarshal(raw, &in)
		merged := toJSONMap(in.apply(*cur))
		for _, field := range []string{"SmsVerificationConfig", "MfaConfig", "PwdUpdateStrategy"} {
			if _, ok := args[field]; ok {
				if cs := changedFields(cur, map[string]any{field: merged[field]}); len(cs) > 0 {
					whole, _ := json.Marshal(merged[field])
					changes = append(changes, "change "+describeChanges(cs)+" ("+field+" becomes "+string(whole)+")")
				}
			}
		}
		if len(changes) == 0 {
			return "", nil // no-op: answered with Changed false, nothing asked
		}
		line := capitalize(strings.Join(changes, ", ")) + " for env " + d.tcb().EnvID(ctx) + "; "
		switch {
		case len(on) == 0:
			line += "no login method remains on: nobody can sign in"
		case len(on) == 1 && on[0] == "anonymous":
			line += "only anonymous login remains: registered users cannot sign in"
		case enabling: // "remain" would read as if nothing were turned on
			line += fmt.Sprintf("%d of %d login methods will be on (%s)", len(on), len(loginMethods), strings.Join(on, ", "))
		default:
			line += fmt.Sprintf("%d of %d login methods remain on (%s)", len(on), len(loginMethods), strings.Join(on, ", "))
		}
		return line, nil
	}
}

func summarizeDeleteProvider(d *Deps) func(context.Context, map[string]any) (string, error) {
	return func(ctx context.Context, args map[string]any) (string, error) {
		id, _ := args["Id"].(string)
		list, err := d.tcb().GetProviders(ctx)
		if err != nil {
			return "", err
		}
		env := d.tcb().EnvID(ctx)
		others := 0
		var desc string
		for _, p := range list.Data {
			switch {
			case p.Id == id:
				desc = providerLabel(p) + map[bool]string{true: ", enabled", false: ", disabled"}[p.On == "TRUE"]
			case p.On == "TRUE":
				others++
			}
		}
		if desc == "" {
			return "", nil // nothing to delete: the call answers not found without asking
		}
		return fmt.Sprintf("Delete identity provider %s (%s) in env %s; users can no longer sign in with it; %d other providers stay enabled",
			id, desc, env, others), nil
	}
}

// providerLabel is a provider's type and display name, for questions.
func providerLabel(p tcb.Provider) string {
	desc := p.ProviderType
	if p.Name != nil && p.Name.Message != "" {
		desc += fmt.Sprintf(" %q", p.Name.Message)
	}
	return desc
}

func summarizeModifyProvider(d *Deps) func(context.Context, map[string]any) (string, error) {
	return func(ctx context.Context, args map[string]any) (string, error) {
		id, _ := args["Id"].(string)
		cur, err := findProvider(ctx, d, id)
		if err != nil {
			return "", err
		}
		env := d.tcb().EnvID(ctx)
		if cur == nil {
			if !createdOnFirstUse(id) {
				return "", nil // not found: answered without asking
			}
			return fmt.Sprintf("Create identity provider %s in env %s (%s)", id, env, describeChanges(changedFields(nil, args, "Id"))), nil
		}
		changes := changedFields(cur, args, "Id")
		if len(changes) == 0 {
			return "", nil // no-op: answered with Changed false
		}
		line := fmt.Sprintf("Change identity provider %s (%s) in env %s: %s", id, providerLabel(*cur), env, describeChanges(changes))
		if on, _ := args["On"].(string); on == "FALSE" && cur.On == "TRUE" {
			line += "; users can no longer sign in with it"
		}
		return line, nil
	}
}

func summarizeDeleteAPIKey(d *Deps) func(context.Context, map[string]any) (string, error) {
	return func(ctx context.Context, args map[string]any) (string, error) {
		id, _ := args["KeyId"].(string)
		name, _ := args["KeyName"].(string)
		k, typ, err := findAPIKey(ctx, d, id, name)
		var inErr *InputError
		var nf *NotFoundError
		if errors.As(err, &inErr) || errors.As(err, &nf) {
			return "", nil // not found or ambiguous: the call answers so without asking
		}
		if err != nil {
			return "", err
		}
		// Its creation time tells it apart from a key that had the same name.
		when := ""
		if k.CreateAt != "" {
			when = ", created " + k.CreateAt
		}
		return fmt.Sprintf("Revoke API key %q (%s, id %s%s) in env %s; requests using it fail afterwards", k.Name, typ, k.KeyId, when, d.tcb().EnvID(ctx)), nil
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// keyFileName suggests a deliverTo name for a key.
func keyFileName(keyName string) string {
	var b strings.Builder
	for _, r := range keyName {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteRune('-')
		}
	}
	name := strings.Trim(b.String(), "-.")
	if name == "" {
		name = "api-key"
	}
	if len(name) > 100 {
		name = name[:100]
	}
	return name + ".key"
}
