package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/cloudbase"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
	"github.com/cloudops-mcp/cloudops-mcp/internal/secretin"
	"github.com/cloudops-mcp/cloudops-mcp/prompts"
	"github.com/cloudops-mcp/cloudops-mcp/resources"
)

// ToolsetCloudBaseIntegration holds the integration template and instance tools.
const ToolsetCloudBaseIntegration = cloudbase.ToolsetIntegration

func cloudbaseIntegrationToolset(d *Deps) *Toolset {
	ig := &integration{d: d, templates: newTemplateCache()}
	return NewToolset(ToolsetCloudBaseIntegration, "CloudBase integration templates and instances (UserKeys)").
		AddTools(ig.listTemplates(), ig.listUserKeys(), ig.getUserKey(), ig.createUserKey(), ig.updateUserKey(), ig.deleteUserKey()).
		AddResources(resources.CloudBaseTemplates(d.tcb, d.Redactor)).
		AddPrompts(prompts.CloudBaseIntegration(d.tcb, d.Redactor))
}

// integration is the state the six tools share: the template cache that
// tells them which Ext fields are secret and required.
type integration struct {
	d         *Deps
	templates *templateCache
}

// Tool parameters are @cloudbase/manager-node's camelCase names; each input maps them to the
// wire names (KeyID, TicketID, NeedPwd, Business) in its request method.

type listTemplatesInput struct {
	Offset       int    `json:"offset,omitempty" jsonschema:"minimum=0"`
	Limit        int    `json:"limit,omitempty" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Default 100"`
	AuthTypeCode string `json:"authTypeCode,omitempty" jsonschema:"maxLength=128" jsonschema_description:"Exact auth type code"`
	AuthTypeName string `json:"authTypeName,omitempty" jsonschema:"maxLength=128"`
	Business     string `json:"business,omitempty" jsonschema:"maxLength=64" jsonschema_description:"Default integration"`
}

func (in *listTemplatesInput) request() *tcb.GetUserKeyTemplateListRequest {
	return &tcb.GetUserKeyTemplateListRequest{Offset: in.Offset, Limit: in.Limit, AuthTypeCode: in.AuthTypeCode,
		AuthTypeName: in.AuthTypeName, Business: in.Business}
}

type templateView struct {
	AuthTypeCode string                  `json:"AuthTypeCode"`
	AuthTypeName string                  `json:"AuthTypeName"`
	Fields       []resources.FieldSchema `json:"Fields" jsonschema_description:"The template's fields, keyed as in the cloud's Ext (name, label, type, required) plus secret (type password)"`
	AuthURL      string                  `json:"AuthURL,omitempty"`
	RedirectURI  string                  `json:"RedirectURI,omitempty"`
	Icon         string                  `json:"Icon,omitempty"`
	State        string                  `json:"State,omitempty"`
	ExtProblem   string                  `json:"ExtProblem,omitempty"`
	// Ext is the template's Ext whole, every key as the cloud sent it
	// (placeholder, options, keys this server does not know): Fields is a view of it.
	Ext map[string]any `json:"Ext,omitempty" jsonschema_description:"The template's whole Ext as sent by the cloud (Fields is parsed from it)"`
}

type templateList struct {
	TotalCount int            `json:"TotalCount"`
	Templates  []templateView `json:"Templates"`
	RequestId  string         `json:"RequestId"`
}

func viewTemplate(t tcb.UserKeyTemplate) templateView {
	v := templateView{AuthTypeCode: t.AuthTypeCode, AuthTypeName: t.AuthTypeName, AuthURL: t.AuthURL,
		RedirectURI: t.RedirectURI, Icon: t.Icon, State: t.State}
	var err error
	if v.Fields, err = resources.Fields(t); err != nil {
		v.ExtProblem = err.Error()
	}
	if ext, err := parseExt(t.Ext); err == nil && len(ext) > 0 {
		v.Ext = ext
	}
	return v
}

func (ig *integration) listTemplates() Tool {
	return defineCloudBase(ig.d, Spec{Name: "cloudbase_list_templates", Title: "List integration templates", Toolset: ToolsetCloudBaseIntegration,
		Description: "List integration templates (auth types) with their fields parsed: name, label, type, required, and whether the value is secret (type password).",
		ReadOnly:    true},
		func(ctx context.Context, in *listTemplatesInput) (*templateList, error) {
			res, err := ig.d.tcb().GetUserKeyTemplateList(ctx, in.request())
			if err != nil {
				return nil, err
			}
			out := &templateList{TotalCount: res.TotalCount, Templates: []templateView{}, RequestId: res.RequestId}
			for _, t := range res.KeyTemplateList {
				out.Templates = append(out.Templates, viewTemplate(t))
			}
			return out, nil
		})
}

// userKeyView is an instance as the tools show it: Ext parsed, secrets withheld.
type userKeyView struct {
	KeyID                string         `json:"KeyID"`
	Name                 string         `json:"Name"`
	AuthTypeCode         string         `json:"AuthTypeCode"`
	AuthTypeName         string         `json:"AuthTypeName,omitempty"`
	Description          string         `json:"Description,omitempty"`
	Status               string         `json:"Status,omitempty"`
	TicketID             string         `json:"TicketID,omitempty"`
	DemoCodeFunctionName string         `json:"DemoCodeFunctionName,omitempty"`
	BindServiceList      map[string]any `json:"BindServiceList,omitempty"`
	CreateAt             string         `json:"CreateAt,omitempty"`
	UpdateAt             string         `json:"UpdateAt,omitempty"`
	Ext                  map[string]any `json:"Ext,omitempty" jsonschema_description:"Parsed Ext; secret values withheld"`
	ExtText              string         `json:"ExtText,omitempty" jsonschema_description:"An Ext that is not a JSON object, withheld"`
	WithheldFields       []string       `json:"WithheldFields,omitempty" jsonschema_description:"Ext fields whose values are withheld"`
}

// view renders k; without its template (unknown or unreachable) secrets are
// recognised by name and shape.
func (ig *integration) view(ctx context.Context, k tcb.UserKeyInfo, business string) userKeyView {
	tpl, err := ig.templates.lookup(ctx, ig.d.tcb(), business, k.AuthTypeCode)
	if err != nil {
		ig.d.Log.Debug().Str("authTypeCode", k.AuthTypeCode).Str("error", err.Error()).Msg("template lookup failed; Ext secrets recognised by name and shape")
	}
	ext := renderExt(k.Ext, tpl, ig.d.Redactor.Reveal())
	return userKeyView{KeyID: k.KeyID, Name: k.Name, AuthTypeCode: k.AuthTypeCode, AuthTypeName: k.AuthTypeName,
		Description: k.Description, Status: k.Status, TicketID: k.TicketID, DemoCodeFunctionName: k.DemoCodeFunctionName,
		BindServiceList: k.BindServiceList, CreateAt: k.CreateAt, UpdateAt: k.UpdateAt,
		Ext: ext.Ext, ExtText: ext.Text, WithheldFields: ext.Withheld}
}

// A stored secret looks the same wherever an instance is shown (get, list,
// an update's Before and After): the keyed fingerprint of the stored value,
// which changes when the secret is rotated. Which fields hold one is the
// cloud's call: those it masks in a plain read. The fingerprint is taken
// from a NeedPwd read of the same instance, whose values never leave.

// read returns an instance as the tools show it, from a plain read and,
// when the cloud masked a field, a NeedPwd read for its fingerprint.
func (ig *integration) read(ctx context.Context, keyID, business string) (*tcb.OneUserKey, userKeyView, error) {
	res, err := ig.d.tcb().GetOneUserKey(ctx, &tcb.GetOneUserKeyRequest{KeyID: keyID, Business: business})
	if err != nil {
		return nil, userKeyView{}, err
	}
	return res, ig.viewStored(ctx, res.UserKeyInfo, ig.stored(ctx, res.UserKeyInfo, business), business), nil
}

// stored is the NeedPwd read of k when k (a plain read) has a value the
// cloud masked, else nil (nothing to fingerprint, or the read failed: the
// cloud's mask is shown then).
func (ig *integration) stored(ctx context.Context, k tcb.UserKeyInfo, business string) *tcb.UserKeyInfo {
	if ig.d.Redactor.Reveal() || !hasCloudMask(k.Ext) {
		return nil
	}
	res, err := ig.d.tcb().GetOneUserKey(ctx, &tcb.GetOneUserKeyRequest{KeyID: k.KeyID, NeedPwd: true, Business: business})
	if err != nil {
		ig.d.Log.Debug().Str("keyId", k.KeyID).Str("error", err.Error()).Msg("stored secrets unreadable; the cloud's masks are shown")
		return nil
	}
	return &res.UserKeyInfo
}

// viewStored renders plain (a read without NeedPwd) with each value the
// cloud masked shown as the keyed fingerprint of its value in stored.
func (ig *integration) viewStored(ctx context.Context, plain tcb.UserKeyInfo, stored *tcb.UserKeyInfo, business string) userKeyView {
	v := ig.view(ctx, plain, business)
	if stored == nil || v.Ext == nil {
		return v
	}
	values, err := parseExt(stored.Ext)
	if err != nil {
		return v
	}
	for _, k := range sortedKeys(v.Ext) {
		masked, _ := v.Ext[k].(string)
		val, _ := values[k].(string)
		if !redact.IsCloudMask(masked) || val == "" || redact.IsCloudMask(val) {
			continue
		}
		ig.d.redactor(ctx).AddSecret(val) // the stored value never leaves, in any encoding
		v.Ext[k] = redact.Mask(val)
		if !slices.Contains(v.WithheldFields, k) {
			v.WithheldFields = append(v.WithheldFields, k)
		}
	}
	return v
}

// hasCloudMask reports an Ext holding a value the cloud masked.
func hasCloudMask(ext string) bool {
	m, err := parseExt(ext)
	if err != nil {
		return false
	}
	for _, v := range m {
		if s, ok := v.(string); ok && redact.IsCloudMask(s) {
			return true
		}
	}
	return false
}

// storedReads bounds the NeedPwd reads a list makes at once.
const storedReads = 4

type listUserKeysInput struct {
	Name         string `json:"name,omitempty" jsonschema:"maxLength=128" jsonschema_description:"Fuzzy match"`
	AuthTypeCode string `json:"authTypeCode,omitempty" jsonschema:"maxLength=128"`
	Offset       int    `json:"offset,omitempty" jsonschema:"minimum=0"`
	Limit        int    `json:"limit,omitempty" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Default 100"`
	Business     string `json:"business,omitempty" jsonschema:"maxLength=64" jsonschema_description:"Default integration"`
}

func (in *listUserKeysInput) request() *tcb.GetUserKeyListRequest {
	return &tcb.GetUserKeyListRequest{Offset: in.Offset, Limit: in.Limit, Name: in.Name, AuthTypeCode: in.AuthTypeCode, Business: in.Business}
}

type userKeyList struct {
	TotalCount int           `json:"TotalCount"`
	UserKeys   []userKeyView `json:"UserKeys"`
	RequestId  string        `json:"RequestId"`
}

func (ig *integration) listUserKeys() Tool {
	return defineCloudBase(ig.d, Spec{Name: "cloudbase_list_user_keys", Title: "List integration instances", Toolset: ToolsetCloudBaseIntegration,
		Description: "List integration instances (UserKeys), filtered by name (fuzzy) or auth type, paged. Ext is shown parsed with secret values withheld.",
		ReadOnly:    true},
		func(ctx context.Context, in *listUserKeysInput) (*userKeyList, error) {
			res, err := ig.d.tcb().GetUserKeyList(ctx, in.request())
			if err != nil {
				return nil, err
			}
			out := &userKeyList{TotalCount: res.TotalCount, UserKeys: make([]userKeyView, len(res.UserKeyList)), RequestId: res.RequestId}
			// One NeedPwd read per instance with a secret, a few at a time: a
			// page of 100 must not take 100 round trips one after another.
			var g errgroup.Group
			g.SetLimit(storedReads)
			for i, k := range res.UserKeyList {
				g.Go(func() error {
					out.UserKeys[i] = ig.viewStored(ctx, k, ig.stored(ctx, k, in.Business), in.Business)
					return nil
				})
			}
			_ = g.Wait() // views never fail: a failed read shows the cloud's mask
			return out, nil
		})
}

type getUserKeyInput struct {
	KeyID    string `json:"keyId" jsonschema:"minLength=1,maxLength=128"`
	NeedPwd  bool   `json:"needPwd,omitempty" jsonschema_description:"Return sensitive fields as ciphertext (still withheld unless --reveal-secrets)"`
	Business string `json:"business,omitempty" jsonschema:"maxLength=64" jsonschema_description:"Default integration"`
}

func (in *getUserKeyInput) request() *tcb.GetOneUserKeyRequest {
	return &tcb.GetOneUserKeyRequest{KeyID: in.KeyID, NeedPwd: in.NeedPwd, Business: in.Business}
}

type userKeyResult struct {
	userKeyView
	RequestId string `json:"RequestId"`
	Note      string `json:"Note,omitempty"`
}

func (ig *integration) getUserKey() Tool {
	return defineCloudBase(ig.d, Spec{Name: "cloudbase_get_user_key", Title: "Get integration instance", Toolset: ToolsetCloudBaseIntegration,
		Description: "Read one integration instance. Ext is parsed with secret fields withheld; needPwd=true asks for ciphertext, which is withheld too unless the server runs with --reveal-secrets.",
		ReadOnly:    true},
		func(ctx context.Context, in *getUserKeyInput) (*userKeyResult, error) {
			if in.NeedPwd && ig.d.Redactor.Reveal() { // ciphertext is shown only under --reveal-secrets
				res, err := ig.d.tcb().GetOneUserKey(ctx, in.request())
				if err != nil {
					return nil, err
				}
				return &userKeyResult{userKeyView: ig.view(ctx, res.UserKeyInfo, in.Business), RequestId: res.RequestId}, nil
			}
			res, v, err := ig.read(ctx, in.KeyID, in.Business)
			if err != nil {
				return nil, err
			}
			out := &userKeyResult{userKeyView: v, RequestId: res.RequestId}
			if in.NeedPwd && len(out.WithheldFields) > 0 {
				out.Note = "Ciphertext is a secret too: stored secrets are shown as keyed fingerprints. To change some fields while keeping the stored secrets, " +
					"use cloudbase_update_user_key with extPatch."
			}
			return out, nil
		})
}

type createUserKeyInput struct {
	Name                 string         `json:"name" jsonschema:"minLength=1,maxLength=128"`
	AuthTypeCode         string         `json:"authTypeCode" jsonschema:"minLength=1,maxLength=128" jsonschema_description:"Template code (cloudbase_list_templates)"`
	Ext                  string         `json:"ext,omitempty" jsonschema_description:"Config as a JSON object string holding the template's fields; stored as given, not encrypted here. A password/secret field takes a secret reference instead of its value, e.g. {\"apiKey\":{\"ask\":true}}"`
	Description          string         `json:"description,omitempty" jsonschema:"maxLength=1024"`
	KeyID                string         `json:"keyId,omitempty" jsonschema:"minLength=1,maxLength=128" jsonschema_description:"Generated if omitted"`
	TicketID             string         `json:"ticketId,omitempty" jsonschema:"maxLength=256" jsonschema_description:"OAuth templates"`
	DemoCodeFunctionName string         `json:"demoCodeFunctionName,omitempty" jsonschema:"maxLength=128" jsonschema_description:"Sample code cloud function to bind"`
	RuntimeConfig        map[string]any `json:"runtimeConfig,omitempty" jsonschema_description:"Agent cloud function config"`
	Business             string         `json:"business,omitempty" jsonschema:"maxLength=64" jsonschema_description:"Default integration"`
}

func (in *createUserKeyInput) Validate() error { return checkExtArg(in.Ext) }

func (in *createUserKeyInput) request() *tcb.CreateUserKeyRequest {
	return &tcb.CreateUserKeyRequest{Name: in.Name, KeyID: in.KeyID, AuthTypeCode: in.AuthTypeCode, Description: in.Description,
		Ext: in.Ext, TicketID: in.TicketID, Business: in.Business, DemoCodeFunctionName: in.DemoCodeFunctionName, RuntimeConfig: in.RuntimeConfig}
}

// checkExtArg refuses an ext that is not a JSON object string or that
// carries masks where values belong (they would overwrite stored secrets).
func checkExtArg(ext string) error {
	if ext == "" {
		return nil
	}
	m, err := parseExt(ext)
	if err != nil {
		return Invalid(`ext: must be a JSON object string such as {"field":"value"}`)
	}
	return checkNoMasks("ext", m)
}

func checkNoMasks(field string, m map[string]any) error {
	if masked := maskedPlaceholders(m); len(masked) > 0 {
		return Invalid("%s: the fields %s hold masked placeholders, not values; sending them would overwrite the stored secrets "+
			"(use extPatch with only the fields to change)", field, join(masked))
	}
	return nil
}

type createdUserKey struct {
	CreateResult         int          `json:"CreateResult"`
	KeyID                string       `json:"KeyID,omitempty"`
	DemoCodeFunctionName string       `json:"DemoCodeFunctionName,omitempty"`
	UserKey              *userKeyView `json:"UserKey,omitempty"`
	RequestId            string       `json:"RequestId"`
	Warnings             []string     `json:"warnings,omitempty"`
}

// template returns the template named code or an input error naming the field.
func (ig *integration) template(ctx context.Context, field, business, code string) (*tcb.UserKeyTemplate, error) {
	tpl, err := ig.templates.lookup(ctx, ig.d.tcb(), business, code)
	if err != nil {
		return nil, err
	}
	if tpl == nil {
		return nil, Invalid("%s: no template %q in business %s; known codes: %s (see cloudbase_list_templates)",
			field, code, orDefault(business, tcb.DefaultBusiness), join(ig.templates.codes(ctx, ig.d.tcb(), business)))
	}
	return tpl, nil
}

// userKeySecretFor names the integration a secret is for, on the user's page.
func userKeySecretFor(_ context.Context, args map[string]any) string {
	return strings.TrimSpace("integration " + firstNonEmpty(argString(args, "name"), argString(args, "keyId")))
}

// storedUserKeySecretFor names, on an update's page, the integration by its
// stored name as well as its keyId (the user knows it by name).
func (ig *integration) storedUserKeySecretFor(ctx context.Context, args map[string]any) string {
	id := argString(args, "keyId")
	cur, err := ig.d.tcb().GetOneUserKey(ctx, &tcb.GetOneUserKeyRequest{KeyID: id, Business: argString(args, "business")})
	if err != nil || cur.UserKeyInfo.Name == "" || argString(args, "name") != "" {
		return userKeySecretFor(ctx, args)
	}
	return fmt.Sprintf("integration %s (keyId %s)", cur.UserKeyInfo.Name, id)
}

func (ig *integration) createUserKey() Tool {
	return defineCloudBase(ig.d, Spec{Name: "cloudbase_create_user_key", Title: "Create integration instance", Toolset: ToolsetCloudBaseIntegration, SecretFor: userKeySecretFor,
		Description: "Create an integration instance from a template. ext is a JSON object string stored as given (this server does not encrypt); " +
			"the template's required fields are checked before anything is sent.",
		CheckWith: "cloudbase_list_user_keys", WithholdSecrets: ig.withholdExtArgs, Target: ig.freeKeyID, TargetFirst: true},
		func(ctx context.Context, in *createUserKeyInput) (*createdUserKey, error) {
			// An instance that exists is said first: the fields the create
			// lacks (a secret the agent would go and ask for) do not matter.
			if err := ig.freeKeyID(ctx, map[string]any{"keyId": in.KeyID, "business": in.Business}); err != nil {
				return nil, err
			}
			tpl, err := ig.template(ctx, "authTypeCode", in.Business, in.AuthTypeCode)
			if err != nil {
				return nil, err
			}
			ext, _ := parseExt(in.Ext) // checked by Validate
			if missing := missingRequired(tpl, ext); len(missing) > 0 {
				return nil, Invalid("ext: template %s requires %s; nothing was sent", in.AuthTypeCode, join(missing))
			}
			if in.Ext, err = ig.takeExtSecrets(ctx, "cloudbase_create_user_key", "ext", in.Name, ext, tpl, in.Ext); err != nil {
				return nil, err
			}
			// CreateUserKey answers only CreateResult: without keyId, the new
			// id is the instance the list did not have before the call.
			var known map[string]bool
			if in.KeyID == "" {
				if known, err = ig.keyIDs(ctx, in); err != nil {
					return nil, err
				}
			}
			namesakes := ig.namesakes(ctx, in.Name, in.Business)
			res, err := ig.d.tcb().CreateUserKey(ctx, in.request())
			if err != nil {
				var apiErr *tcb.APIError
				if errors.As(err, &apiErr) && strings.HasPrefix(apiErr.Code, "ResourceInUse") {
					return nil, &adviceError{err, "Integration " + in.KeyID + " exists already: change it with cloudbase_update_user_key"}
				}
				return nil, ig.withheldDryRun(err, tpl)
			}
			ig.d.changed(ctx, resources.TemplateURI(in.AuthTypeCode))
			out := &createdUserKey{CreateResult: res.CreateResult, KeyID: in.KeyID, DemoCodeFunctionName: res.DemoCodeFunctionName, RequestId: res.RequestId}
			if k := ig.findCreated(ctx, in, known); k != nil {
				v := ig.viewStored(ctx, *k, ig.stored(ctx, *k, in.Business), in.Business)
				out.UserKey, out.KeyID = &v, k.KeyID
			}
			if len(namesakes) > 0 {
				// CloudBase allows it (KeyID, not the name, is unique), but two
				// instances of one name are easily mistaken for each other.
				out.Warnings = append(out.Warnings, fmt.Sprintf("Another integration is named %q already: %s. Both now exist; "+
					"tell them apart by KeyID. If the new one was a mistake, remove it with cloudbase_delete_user_key (KeyID %s); "+
					"to change the existing one, use cloudbase_update_user_key", in.Name, strings.Join(namesakes, "; "), out.KeyID))
			}
			return out, nil
		})
}

// freeKeyID refuses a create whose keyId names an instance that exists,
// pointing at the update tool (Spec.Target: checked before a secret is asked).
func (ig *integration) freeKeyID(ctx context.Context, args map[string]any) error {
	id := argString(args, "keyId")
	if id == "" {
		return nil // one is generated
	}
	cur, err := ig.d.tcb().GetOneUserKey(ctx, &tcb.GetOneUserKeyRequest{KeyID: id, Business: argString(args, "business")})
	if err != nil {
		return nil // free, or unknown: the create answers
	}
	return Invalid("keyId: integration %s exists already (%q, %s): change it with cloudbase_update_user_key, or omit keyId to have a new one generated; nothing was sent",
		id, cur.UserKeyInfo.Name, cur.UserKeyInfo.AuthTypeCode)
}

// namesakes describes the instances named exactly name (the list filter is
// fuzzy), best effort: a failed lookup only loses the warning.
func (ig *integration) namesakes(ctx context.Context, name, business string) []string {
	var out []string
	for offset := 0; offset < 1000; {
		res, err := ig.d.tcb().GetUserKeyList(ctx, &tcb.GetUserKeyListRequest{Name: name, Business: business, Offset: offset, Limit: tcb.DefaultPageLimit})
		if err != nil {
			return out
		}
		for _, k := range res.UserKeyList {
			if k.Name != name {
				continue
			}
			d := "KeyID " + k.KeyID + " (" + k.AuthTypeCode
			if bound := boundServices(k.BindServiceList); bound != "" {
				d += ", bound to " + bound
			}
			out = append(out, d+")")
		}
		offset += len(res.UserKeyList)
		if len(res.UserKeyList) == 0 || offset >= res.TotalCount {
			break
		}
	}
	return out
}

// boundServices names what an instance serves ("mcp-ai-assistant, orders-api").
func boundServices(list map[string]any) string {
	var names []string
	for _, group := range sortedKeys(list) {
		items, _ := list[group].([]any)
		for _, it := range items {
			if m, ok := it.(map[string]any); ok {
				if n, ok := m["Name"].(string); ok && n != "" {
					names = append(names, n)
				}
			}
		}
	}
	return strings.Join(names, ", ")
}

// keyIDs lists the ids of the instances named like in (same template).
func (ig *integration) keyIDs(ctx context.Context, in *createUserKeyInput) (map[string]bool, error) {
	ids := map[string]bool{}
	for offset := 0; ; {
		res, err := ig.d.tcb().GetUserKeyList(ctx, &tcb.GetUserKeyListRequest{Name: in.Name, AuthTypeCode: in.AuthTypeCode,
			Business: in.Business, Offset: offset, Limit: tcb.DefaultPageLimit})
		if err != nil {
			return nil, err
		}
		for _, k := range res.UserKeyList {
			ids[k.KeyID] = true
		}
		offset += len(res.UserKeyList)
		if len(res.UserKeyList) == 0 || offset >= res.TotalCount {
			return ids, nil
		}
	}
}

// findCreated reads a new instance back: by KeyID, or (generated id) as the
// one instance of this name and template that known lacks. Best effort: the
// creation itself succeeded.
func (ig *integration) findCreated(ctx context.Context, in *createUserKeyInput, known map[string]bool) *tcb.UserKeyInfo {
	if in.KeyID != "" {
		res, err := ig.d.tcb().GetOneUserKey(ctx, &tcb.GetOneUserKeyRequest{KeyID: in.KeyID, Business: in.Business})
		if err != nil {
			return nil
		}
		return &res.UserKeyInfo
	}
	after, err := ig.keyIDs(ctx, in)
	if err != nil {
		return nil
	}
	id := ""
	for k := range after {
		if !known[k] {
			if id != "" {
				return nil // another caller created one meanwhile: ambiguous
			}
			id = k
		}
	}
	if id == "" {
		return nil
	}
	res, err := ig.d.tcb().GetOneUserKey(ctx, &tcb.GetOneUserKeyRequest{KeyID: id, Business: in.Business})
	if err != nil {
		return nil
	}
	return &res.UserKeyInfo
}

// withheldDryRun keeps secrets out of a dry-run result: the request it shows
// carries Ext with the same fields withheld as any output.
func (ig *integration) withheldDryRun(err error, tpl *tcb.UserKeyTemplate) error {
	var dry *cloud.DryRunError
	if !errors.As(err, &dry) {
		return err
	}
	req, ok := dry.Request.(tcb.Request)
	ext, hasExt := req.Body["Ext"].(string)
	if !ok || !hasExt {
		return err
	}
	v := renderExt(ext, tpl, ig.d.Redactor.Reveal())
	body := maps.Clone(req.Body)
	if v.Ext != nil {
		raw, _ := json.Marshal(v.Ext)
		body["Ext"] = string(raw)
	} else {
		body["Ext"] = v.Text
	}
	req.Body = body
	return &cloud.DryRunError{Service: dry.Service, Request: req}
}

type updateUserKeyInput struct {
	KeyID                string         `json:"keyId" jsonschema:"minLength=1,maxLength=128"`
	Name                 string         `json:"name,omitempty" jsonschema:"maxLength=128"`
	AuthTypeCode         string         `json:"authTypeCode,omitempty" jsonschema:"maxLength=128" jsonschema_description:"New template code"`
	Description          string         `json:"description,omitempty" jsonschema:"maxLength=1024"`
	Ext                  string         `json:"ext,omitempty" jsonschema_description:"Whole new Ext as a JSON object string (replaces the stored one); or use extPatch. A password/secret field takes a secret reference instead of its value"`
	ExtPatch             map[string]any `json:"extPatch,omitempty" jsonschema_description:"Ext fields to change (null removes one); merged into the stored Ext, whose secrets are kept. A password/secret field takes a secret reference instead of its value, e.g. {\"apiKey\":{\"ask\":true}}"`
	DemoCodeFunctionName string         `json:"demoCodeFunctionName,omitempty" jsonschema:"maxLength=128" jsonschema_description:"Sample code cloud function to bind"`
	RuntimeConfig        map[string]any `json:"runtimeConfig,omitempty" jsonschema_description:"Agent cloud function config"`
	Business             string         `json:"business,omitempty" jsonschema:"maxLength=64" jsonschema_description:"Default integration"`
}

func (in *updateUserKeyInput) Validate() error {
	if in.Ext != "" && in.ExtPatch != nil {
		return Invalid("ext, extPatch: give one or the other, not both")
	}
	if in.ExtPatch != nil && len(in.ExtPatch) == 0 {
		return Invalid("extPatch: give at least one field to change")
	}
	if in.Name == "" && in.AuthTypeCode == "" && in.Description == "" && in.Ext == "" && in.ExtPatch == nil &&
		in.DemoCodeFunctionName == "" && in.RuntimeConfig == nil {
		return Invalid("arguments: give at least one of name, authTypeCode, description, ext, extPatch, demoCodeFunctionName, runtimeConfig")
	}
	if err := checkExtArg(in.Ext); err != nil {
		return err
	}
	return checkNoMasks("extPatch", in.ExtPatch)
}

func (in *updateUserKeyInput) request() *tcb.UpdateUserKeyRequest {
	return &tcb.UpdateUserKeyRequest{KeyID: in.KeyID, Name: in.Name, AuthTypeCode: in.AuthTypeCode, Description: in.Description,
		Ext: in.Ext, DemoCodeFunctionName: in.DemoCodeFunctionName, Business: in.Business, RuntimeConfig: in.RuntimeConfig}
}

type updatedUserKey struct {
	UpdateResult     int      `json:"UpdateResult"`
	KeyID            string   `json:"KeyID"`
	PatchedExtFields []string `json:"PatchedExtFields,omitempty"`
	// Changed is false when every field given equals the stored one: nothing was sent.
	Changed bool `json:"Changed"`
	// Before and After are the instance around the change, secrets withheld.
	Before    *userKeyView `json:"Before,omitempty"`
	After     *userKeyView `json:"After,omitempty"`
	RequestId string       `json:"RequestId,omitempty"` // absent when nothing was sent
}

func (ig *integration) updateUserKey() Tool {
	return defineCloudBase(ig.d, Spec{Name: "cloudbase_update_user_key", Title: "Update integration instance", Toolset: ToolsetCloudBaseIntegration, SecretFor: ig.storedUserKeySecretFor,
		Description: "Update an integration instance; only the fields given change. extPatch changes some Ext fields: the stored Ext, secrets included, " +
			"is merged server-side and never shown. ext replaces the whole Ext. Changing authTypeCode replaces the configuration: " +
			"it needs the full ext for the new template (checked against its required fields).",
		Destructive: true, Idempotent: true, CheckWith: "cloudbase_get_user_key", WithholdSecrets: ig.withholdExtArgs,
		Summarize: ig.summarizeUpdateUserKey,
		Target:    ig.updatableUserKey},
		func(ctx context.Context, in *updateUserKeyInput) (*updatedUserKey, error) {
			// Read first: the instance as shown (Before), the stored Ext to
			// patch or compare (NeedPwd: with its secrets), and the template
			// the instance is bound to now (for notifications).
			plain, err := ig.d.tcb().GetOneUserKey(ctx, &tcb.GetOneUserKeyRequest{KeyID: in.KeyID, Business: in.Business})
			if err != nil {
				return nil, err
			}
			before := plain
			if in.ExtPatch != nil || in.Ext != "" {
				if before, err = ig.d.tcb().GetOneUserKey(ctx, &tcb.GetOneUserKeyRequest{KeyID: in.KeyID, NeedPwd: true, Business: in.Business}); err != nil {
					return nil, err
				}
			}
			oldCode := before.UserKeyInfo.AuthTypeCode
			var tpl *tcb.UserKeyTemplate
			if in.AuthTypeCode != "" {
				if tpl, err = ig.template(ctx, "authTypeCode", in.Business, in.AuthTypeCode); err != nil {
					return nil, err
				}
				// Changing the authorization method replaces the configuration
				// (qinglian-connector: it clears the auth parameters and config):
				// the old template's fields must not live on under the new one.
				if in.AuthTypeCode != oldCode && in.Ext == "" {
					return nil, Invalid("ext: changing authTypeCode from %s to %s replaces the whole configuration; give the full ext for %s "+
						"(its fields: %s) — extPatch and the stored %s fields are not carried over; nothing was sent",
						oldCode, in.AuthTypeCode, in.AuthTypeCode, templateFieldList(tpl), oldCode)
				}
			} else {
				tpl, _ = ig.templates.lookup(ctx, ig.d.tcb(), in.Business, oldCode) // nil: secrets recognised by shape
			}
			if in.ExtPatch != nil || in.Ext != "" {
				if m, err := parseExt(before.UserKeyInfo.Ext); err == nil && !ig.d.Redactor.Reveal() {
					// The stored ciphertext must never surface, not even in an error or a log line.
					ig.d.redactor(ctx).AddSecret(secretValues(m, tpl)...)
				}
			}
			req := in.request()
			var ext map[string]any
			var patched []string
			switch {
			case in.ExtPatch != nil:
				if ext, err = parseExt(before.UserKeyInfo.Ext); err != nil {
					return nil, Invalid("extPatch: the stored Ext is not a JSON object, so it cannot be patched; pass the whole ext instead")
				}
				// A required field the patch removes is said before its secrets' pages open.
				if tpl != nil {
					probe := deepCopy(ext).(map[string]any)
					mergePatch(probe, deepCopy(in.ExtPatch).(map[string]any))
					if missing := missingRequired(tpl, probe); len(missing) > 0 {
						return nil, patchLacksRequired(tpl, missing)
					}
				}
				if _, err := ig.takeExtSecrets(ctx, "cloudbase_update_user_key", "extPatch", in.KeyID, in.ExtPatch, tpl, ""); err != nil {
					return nil, err
				}
				patched = mergePatch(ext, in.ExtPatch)
				raw, err := json.Marshal(ext)
				if err != nil {
					return nil, fmt.Errorf("encode merged Ext: %w", err)
				}
				req.Ext = string(raw)
			case in.Ext != "":
				ext, _ = parseExt(in.Ext)
			}
			if ext != nil && tpl != nil {
				if missing := missingRequired(tpl, ext); len(missing) > 0 {
					return nil, Invalid("ext: template %s requires %s; nothing was sent", tpl.AuthTypeCode, join(missing))
				}
			}
			if in.AuthTypeCode != "" && in.AuthTypeCode != oldCode {
				oldTpl, _ := ig.templates.lookup(ctx, ig.d.tcb(), in.Business, oldCode)
				if stale := foreignFields(oldTpl, tpl, ext); len(stale) > 0 {
					return nil, Invalid("ext: %s belong to the replaced template %s, not to %s; leave them out; nothing was sent",
						join(stale), oldCode, in.AuthTypeCode)
				}
			}
			if in.Ext != "" {
				if req.Ext, err = ig.takeExtSecrets(ctx, "cloudbase_update_user_key", "ext", in.KeyID, ext, tpl, in.Ext); err != nil {
					return nil, err
				}
			}
			stored := &before.UserKeyInfo // read with NeedPwd already when ext or extPatch is given
			if before == plain || ig.d.Redactor.Reveal() {
				stored = ig.stored(ctx, plain.UserKeyInfo, in.Business)
			}
			b := ig.viewStored(ctx, plain.UserKeyInfo, stored, in.Business)
			if !in.changes(before.UserKeyInfo, req.Ext) {
				// Every field given equals the stored one (secrets compared by value): nothing is sent.
				return &updatedUserKey{KeyID: in.KeyID, Before: &b, After: &b}, nil
			}
			if err := unaskedChange(ctx, "Integration "+in.KeyID); err != nil {
				return nil, err
			}
			res, err := ig.d.tcb().UpdateUserKey(ctx, req)
			if err != nil {
				return nil, ig.withheldDryRun(err, tpl)
			}
			uris := []string{resources.TemplateURI(oldCode)}
			if in.AuthTypeCode != "" && in.AuthTypeCode != oldCode {
				uris = append(uris, resources.TemplateURI(in.AuthTypeCode))
			}
			ig.d.changed(ctx, uris...)
			out := &updatedUserKey{UpdateResult: res.UpdateResult, KeyID: in.KeyID, PatchedExtFields: patched, Changed: true, RequestId: res.RequestId}
			out.Before = &b
			// After is shown as Before was and as every read tool shows it:
			// a rotated secret shows a new fingerprint, a kept one the same.
			if _, after, err := ig.read(ctx, in.KeyID, in.Business); err == nil {
				out.After = &after
			}
			return out, nil
		})
}

// updatableUserKey is update_user_key's Spec.Target: the instance exists,
// and the Ext the update would leave (a whole ext, or the stored one with
// extPatch merged) keeps its template's required fields. It runs before a
// secret page and before the question: nobody types a secret or approves
// "privateKey: removed" for a change that is refused after the yes. The
// stored Ext is read as shown (secrets masked, not blank); the handler
// checks again with the stored values.
func (ig *integration) updatableUserKey(ctx context.Context, args map[string]any) error {
	id, business := argString(args, "keyId"), argString(args, "business")
	cur, err := ig.d.tcb().GetOneUserKey(ctx, &tcb.GetOneUserKeyRequest{KeyID: id, Business: business})
	if err != nil {
		return err
	}
	code := cur.UserKeyInfo.AuthTypeCode
	var ext map[string]any
	whole, hasWhole := args["ext"].(string)
	patch, hasPatch := args["extPatch"].(map[string]any)
	switch {
	case hasWhole && whole != "":
		if ext, err = parseExt(whole); err != nil {
			return nil // the handler names the bad ext
		}
	case hasPatch && len(patch) > 0:
		if ext, err = parseExt(cur.UserKeyInfo.Ext); err != nil {
			return nil
		}
		mergePatch(ext, deepCopy(patch).(map[string]any))
	default:
		return nil
	}
	if c := argString(args, "authTypeCode"); c != "" && c != code {
		if !hasWhole || whole == "" {
			return nil // the handler asks for the whole ext of the new template
		}
		code = c
	}
	tpl, _ := ig.templates.lookup(ctx, ig.d.tcb(), business, code)
	if tpl == nil {
		return nil // an unknown template is the handler's to name
	}
	if missing := missingRequired(tpl, ext); len(missing) > 0 {
		if hasPatch && len(patch) > 0 {
			return patchLacksRequired(tpl, missing)
		}
		return Invalid("ext: template %s requires %s; nothing was sent", tpl.AuthTypeCode, join(missing))
	}
	return nil
}

// patchLacksRequired refuses an extPatch after which the stored Ext would
// lack fields its template requires (a null removing one).
func patchLacksRequired(tpl *tcb.UserKeyTemplate, missing []string) error {
	return Invalid("extPatch: template %s requires %s, which the Ext would lack after this patch (null removes a field); nothing was sent",
		tpl.AuthTypeCode, join(missing))
}

// changes reports whether the update would change cur, the instance as
// stored (read with NeedPwd when ext or extPatch is given); ext is the Ext
// that would be sent ("" keeps the stored one). runtimeConfig cannot be
// read back, so giving it counts as a change.
func (in *updateUserKeyInput) changes(cur tcb.UserKeyInfo, ext string) bool {
	for _, f := range []struct{ v, old string }{{in.Name, cur.Name}, {in.AuthTypeCode, cur.AuthTypeCode},
		{in.Description, cur.Description}, {in.DemoCodeFunctionName, cur.DemoCodeFunctionName}} {
		if f.v != "" && f.v != f.old {
			return true
		}
	}
	if in.RuntimeConfig != nil {
		return true
	}
	if ext == "" {
		return false
	}
	next, err1 := parseExt(ext)
	stored, err2 := parseExt(cur.Ext)
	return err1 != nil || err2 != nil || !same(next, stored)
}

type deleteUserKeyInput struct {
	KeyID string `json:"keyId" jsonschema:"minLength=1,maxLength=128"`
}

type deletedUserKey struct {
	DeleteResult int    `json:"DeleteResult"`
	KeyID        string `json:"KeyID"`
	Name         string `json:"Name,omitempty"`
	AuthTypeCode string `json:"AuthTypeCode,omitempty"`
	Deleted      bool   `json:"Deleted"`
	RequestId    string `json:"RequestId"`
}

func (ig *integration) deleteUserKey() Tool {
	return defineCloudBase(ig.d, Spec{Name: "cloudbase_delete_user_key", Title: "Delete integration instance", Toolset: ToolsetCloudBaseIntegration,
		Description: "Delete an integration instance; services bound to it lose its configuration. An unknown keyId is ResourceNotFound.",
		Destructive: true, Idempotent: true, CheckWith: "cloudbase_list_user_keys", Summarize: ig.summarizeDeleteUserKey},
		func(ctx context.Context, in *deleteUserKeyInput) (*deletedUserKey, error) {
			out := &deletedUserKey{KeyID: in.KeyID}
			// Which template's resource changes (DeleteUserKey has no Business, the read does).
			before, err := ig.d.tcb().GetOneUserKey(ctx, &tcb.GetOneUserKeyRequest{KeyID: in.KeyID})
			switch {
			case cloud.IsNotFound(err):
				return nil, err // nothing to delete, and nothing was asked
			case err == nil:
				out.Name, out.AuthTypeCode = before.UserKeyInfo.Name, before.UserKeyInfo.AuthTypeCode
			}
			if err := unaskedChange(ctx, "Integration "+in.KeyID); err != nil {
				return nil, err
			}
			res, err := ig.d.tcb().DeleteUserKey(ctx, &tcb.DeleteUserKeyRequest{KeyID: in.KeyID})
			if err != nil {
				return nil, err
			}
			if out.AuthTypeCode != "" {
				ig.d.changed(ctx, resources.TemplateURI(out.AuthTypeCode))
			}
			out.DeleteResult, out.Deleted, out.RequestId = res.DeleteResult, true, res.RequestId
			return out, nil
		})
}

// summarizeDeleteUserKey names the instance and what it serves; a missing
// one is answered not found, without a question.
func (ig *integration) summarizeDeleteUserKey(ctx context.Context, args map[string]any) (string, error) {
	id := argString(args, "keyId")
	res, err := ig.d.tcb().GetOneUserKey(ctx, &tcb.GetOneUserKeyRequest{KeyID: id})
	if err != nil {
		return "", err
	}
	k := res.UserKeyInfo
	line := fmt.Sprintf("Delete integration %q (%s, keyId %s) in %s", k.Name, k.AuthTypeCode, id, ig.d.scope(ctx, ToolsetCloudBaseIntegration))
	if bound := boundServices(k.BindServiceList); bound != "" {
		line += "; " + bound + " lose its configuration"
	}
	return line, nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// summarizeUpdateUserKey is the question for an update: the instance by its
// name and template, and each field that changes — a secret Ext field as
// "apiKey: set → replaced (from file k)", never its value. A secret equal to
// the stored one (compared through a NeedPwd read) is no change, and an
// update that changes nothing asks nothing ("").
func (ig *integration) summarizeUpdateUserKey(ctx context.Context, args map[string]any) (string, error) {
	str := func(k string) string { v, _ := args[k].(string); return v }
	id, business := str("keyId"), str("business")
	cur, err := ig.d.tcb().GetOneUserKey(ctx, &tcb.GetOneUserKeyRequest{KeyID: id, Business: business})
	if err != nil {
		return "", err
	}
	info := cur.UserKeyInfo
	// The stored values, read only to compare secrets given by value.
	var storedExt map[string]any
	stored := func() map[string]any {
		if storedExt == nil {
			storedExt = map[string]any{}
			if res, err := ig.d.tcb().GetOneUserKey(ctx, &tcb.GetOneUserKeyRequest{KeyID: id, NeedPwd: true, Business: business}); err == nil {
				if m, err := parseExt(res.UserKeyInfo.Ext); err == nil {
					storedExt = m
				}
			}
		}
		return storedExt
	}
	// The fields are typed by the template the call sets, as they were
	// withheld: on a switch the stored one does not know the new secrets.
	code := info.AuthTypeCode
	if c := str("authTypeCode"); c != "" {
		code = c
	}
	tpl, _ := ig.templates.lookup(ctx, ig.d.tcb(), business, code)
	types := templateFieldTypes(tpl)
	var parts []string
	for _, f := range []struct{ arg, old string }{{"name", info.Name}, {"description", info.Description},
		{"authTypeCode", info.AuthTypeCode}, {"demoCodeFunctionName", info.DemoCodeFunctionName}} {
		if v := str(f.arg); v != "" && v != f.old {
			parts = append(parts, fmt.Sprintf("%s: %s → %s", f.arg, show(f.old), show(v)))
		}
	}
	if _, ok := args["runtimeConfig"].(map[string]any); ok {
		parts = append(parts, "runtimeConfig: replaced")
	}
	shown, _ := parseExt(info.Ext) // the cloud masks its secrets here
	if patch, ok := args["extPatch"].(map[string]any); ok {
		for _, k := range sortedKeys(patch) {
			v, old := patch[k], shown[k]
			sa, isArg := v.(secretArg)
			sv, _ := v.(string)
			oldStr, _ := old.(string)
			secret := isArg || tcb.SecretFieldType(types[k]) || isSecretRef(v) || sv == withheldMask ||
				redact.IsCloudMask(oldStr) || (tpl == nil && redact.LooksSecret(k, v))
			switch {
			case v == nil:
				if !isEmpty(old) {
					parts = append(parts, k+": removed")
				}
			case secret:
				if isArg && sa.known && same(stored()[k], sa.value) {
					continue // the same secret again
				}
				from := sa.from
				if ref, isRef, _ := secretin.Parse(k, v); isRef {
					from = refSource(ref)
				}
				if isEmpty(old) {
					parts = append(parts, k+": (unset) → set"+paren(from))
				} else {
					parts = append(parts, k+": set → replaced"+paren(from))
				}
			case !same(old, v):
				parts = append(parts, fmt.Sprintf("%s: %s → %s", k, show(old), show(v)))
			}
		}
	}
	// A whole new Ext: an object when it held secret references (resolved
	// to secretArgs), a secretArg when it holds a typed secret; compared,
	// never shown.
	var m map[string]any
	var extErr error
	switch ext := args["ext"].(type) {
	case map[string]any:
		m = ext
	case secretArg:
		m, extErr = parseExt(ext.value)
	case string:
		if ext != "" {
			m, extErr = parseExt(ext)
		}
	}
	if m != nil || extErr != nil {
		switch {
		case extErr != nil:
			parts = append(parts, "ext: the whole configuration is replaced")
		case !same(plainSecrets(m), stored()):
			var fields []string
			for _, k := range sortedKeys(union(m, shown)) {
				v, given := m[k]
				old := shown[k]
				oldStr, _ := old.(string)
				sa, isArg := v.(secretArg)
				secret := isArg || tcb.SecretFieldType(types[k]) || redact.IsCloudMask(oldStr) || isSecretRef(v) || (tpl == nil && redact.LooksSecret(k, v))
				switch {
				case !given:
					if !isEmpty(old) {
						fields = append(fields, k+": removed")
					}
				case secret:
					if isArg && sa.known && same(stored()[k], sa.value) || !isArg && same(stored()[k], v) {
						continue // the same secret again
					}
					from := paren(sa.from)
					if ref, isRef, _ := secretin.Parse(k, v); isRef {
						from = paren(refSource(ref))
					}
					if isEmpty(old) {
						fields = append(fields, k+": (unset) → set"+from)
					} else {
						fields = append(fields, k+": set → replaced"+from)
					}
				case !same(old, v):
					fields = append(fields, fmt.Sprintf("%s: %s → %s", k, show(old), show(v)))
				}
			}
			if len(fields) == 0 {
				fields = append(fields, "every field as before")
			}
			parts = append(parts, "ext: the whole configuration is replaced ("+strings.Join(fields, ", ")+")")
		}
	}
	if len(parts) == 0 {
		return "", nil // every field given equals the stored one: answered with Changed false, nothing asked
	}
	return fmt.Sprintf("Update integration %q (%s, keyId %s) in %s: %s", info.Name, info.AuthTypeCode, id,
		ig.d.scope(ctx, ToolsetCloudBaseIntegration), strings.Join(parts, "; ")), nil
}

// plainSecrets is m with each known secretArg replaced by its value (to
// compare with the stored Ext); an unknown one stays, and differs.
func plainSecrets(m map[string]any) map[string]any {
	out := maps.Clone(m)
	for k, v := range out {
		if sa, ok := v.(secretArg); ok && sa.known {
			out[k] = sa.value
		}
	}
	return out
}

// union is the keys of a and b, each once.
func union(a, b map[string]any) map[string]any {
	out := maps.Clone(a)
	if out == nil {
		out = map[string]any{}
	}
	for k, v := range b {
		if _, ok := out[k]; !ok {
			out[k] = v
		}
	}
	return out
}
