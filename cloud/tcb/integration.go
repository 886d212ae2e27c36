package tcb

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// The integration area of the tcb API (@cloudbase/manager-node documentation, integration): templates
// (UserKey templates) and instances (UserKeys). The wire spells KeyID and
// TicketID with a capital ID. Ext is a JSON string the API passes through
// unparsed: the caller assembles it (this client neither encrypts nor decrypts).

// DefaultBusiness is the Business every integration request carries by default.
const DefaultBusiness = "integration"

// DefaultPageLimit is the documented default page size of the list actions.
const DefaultPageLimit = 100

// UserKeyTemplate is an integration template; Ext describes its fields.
type UserKeyTemplate struct {
	AuthTypeCode string `json:"AuthTypeCode"`
	AuthTypeName string `json:"AuthTypeName"`
	Ext          string `json:"Ext"`
	AuthURL      string `json:"AuthURL,omitempty"`
	Icon         string `json:"Icon,omitempty"`
	State        string `json:"State,omitempty"`
	RedirectURI  string `json:"RedirectURI,omitempty"`
}

// GetUserKeyTemplateListRequest filters and pages templates.
type GetUserKeyTemplateListRequest struct {
	Offset       int    `json:"Offset"`
	Limit        int    `json:"Limit"`
	AuthTypeCode string `json:"AuthTypeCode,omitempty"`
	AuthTypeName string `json:"AuthTypeName,omitempty"`
	Business     string `json:"Business"`
}

// UserKeyTemplateList is GetUserKeyTemplateList's answer.
type UserKeyTemplateList struct {
	TotalCount      int               `json:"TotalCount"`
	KeyTemplateList []UserKeyTemplate `json:"KeyTemplateList"`
	RequestId       string            `json:"RequestId,omitempty"`
}

// GetUserKeyTemplateList lists templates (Offset 0, Limit 100, Business integration by default).
func (c *Client) GetUserKeyTemplateList(ctx context.Context, in *GetUserKeyTemplateListRequest) (*UserKeyTemplateList, error) {
	body := *in
	body.Limit = orLimit(body.Limit)
	body.Business = orBusiness(body.Business)
	var out UserKeyTemplateList
	return &out, c.Call(ctx, "GetUserKeyTemplateList", &body, &out, false)
}

// maxPages bounds paging so a cloud that miscounts cannot loop us forever.
const maxPages = 100

// AllUserKeyTemplates pages through every template matching filter (its Offset and Limit are ignored).
func (c *Client) AllUserKeyTemplates(ctx context.Context, filter GetUserKeyTemplateListRequest) ([]UserKeyTemplate, error) {
	var all []UserKeyTemplate
	filter.Limit = DefaultPageLimit
	for page := 0; page < maxPages; page++ {
		filter.Offset = len(all)
		res, err := c.GetUserKeyTemplateList(ctx, &filter)
		if err != nil {
			return nil, err
		}
		all = append(all, res.KeyTemplateList...)
		if len(res.KeyTemplateList) == 0 || len(all) >= res.TotalCount {
			return all, nil
		}
	}
	return all, nil
}

// UserKeyInfo is an integration instance. Ext holds the filled values; with
// NeedPwd=true its sensitive values come back as ciphertext.
type UserKeyInfo struct {
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

// GetUserKeyListRequest filters (Name: fuzzy) and pages instances.
type GetUserKeyListRequest struct {
	Offset       int    `json:"Offset"`
	Limit        int    `json:"Limit"`
	Name         string `json:"Name,omitempty"`
	AuthTypeCode string `json:"AuthTypeCode,omitempty"`
	Business     string `json:"Business"`
}

// UserKeyList is GetUserKeyList's answer.
type UserKeyList struct {
	TotalCount  int           `json:"TotalCount"`
	UserKeyList []UserKeyInfo `json:"UserKeyList"`
	RequestId   string        `json:"RequestId,omitempty"`
}

// GetUserKeyList lists instances (Offset 0, Limit 100, Business integration by default).
func (c *Client) GetUserKeyList(ctx context.Context, in *GetUserKeyListRequest) (*UserKeyList, error) {
	body := *in
	body.Limit = orLimit(body.Limit)
	body.Business = orBusiness(body.Business)
	var out UserKeyList
	return &out, c.Call(ctx, "GetUserKeyList", &body, &out, false)
}

// GetOneUserKeyRequest names one instance.
type GetOneUserKeyRequest struct {
	KeyID    string `json:"KeyID"`
	NeedPwd  bool   `json:"NeedPwd"`
	Business string `json:"Business"`
}

// OneUserKey is GetOneUserKey's answer.
type OneUserKey struct {
	UserKeyInfo UserKeyInfo `json:"UserKeyInfo"`
	RequestId   string      `json:"RequestId,omitempty"`
}

// GetOneUserKey reads one instance; NeedPwd=true returns sensitive values as ciphertext.
func (c *Client) GetOneUserKey(ctx context.Context, in *GetOneUserKeyRequest) (*OneUserKey, error) {
	body := *in
	body.Business = orBusiness(body.Business)
	var out OneUserKey
	return &out, c.Call(ctx, "GetOneUserKey", &body, &out, false)
}

// CreateUserKeyRequest creates an instance; KeyID is generated by the cloud when empty.
type CreateUserKeyRequest struct {
	Name                 string         `json:"Name"`
	KeyID                string         `json:"KeyID,omitempty"`
	AuthTypeCode         string         `json:"AuthTypeCode"`
	Description          string         `json:"Description,omitempty"`
	Ext                  string         `json:"Ext,omitempty"`
	TicketID             string         `json:"TicketID,omitempty"`
	Business             string         `json:"Business"`
	DemoCodeFunctionName string         `json:"DemoCodeFunctionName,omitempty"`
	RuntimeConfig        map[string]any `json:"RuntimeConfig,omitempty"`
}

// CreateUserKeyResult is CreateUserKey's answer; CreateResult 0 means success.
type CreateUserKeyResult struct {
	CreateResult         int    `json:"CreateResult"`
	DemoCodeFunctionName string `json:"DemoCodeFunctionName,omitempty"`
	RequestId            string `json:"RequestId,omitempty"`
}

// CreateUserKey creates an instance. Ext is sent exactly as given.
func (c *Client) CreateUserKey(ctx context.Context, in *CreateUserKeyRequest) (*CreateUserKeyResult, error) {
	body := *in
	body.Business = orBusiness(body.Business)
	var out CreateUserKeyResult
	if err := c.Call(ctx, "CreateUserKey", &body, &out, true); err != nil {
		return nil, err
	}
	if out.CreateResult != 0 {
		return &out, &APIError{Action: "CreateUserKey", Code: "FailedOperation",
			Message: fmt.Sprintf("CreateResult is %d (0 means success)", out.CreateResult), RequestID: out.RequestId}
	}
	return &out, nil
}

// UpdateUserKeyRequest changes an instance; an empty Ext keeps the stored one.
type UpdateUserKeyRequest struct {
	KeyID                string         `json:"KeyID"`
	Name                 string         `json:"Name,omitempty"`
	AuthTypeCode         string         `json:"AuthTypeCode,omitempty"`
	Description          string         `json:"Description,omitempty"`
	Ext                  string         `json:"Ext,omitempty"`
	DemoCodeFunctionName string         `json:"DemoCodeFunctionName,omitempty"`
	Business             string         `json:"Business"`
	RuntimeConfig        map[string]any `json:"RuntimeConfig,omitempty"`
}

// UpdateUserKeyResult is UpdateUserKey's answer; UpdateResult 0 means success.
type UpdateUserKeyResult struct {
	UpdateResult int    `json:"UpdateResult"`
	RequestId    string `json:"RequestId,omitempty"`
}

// UpdateUserKey updates an instance. The caller merges Ext with the stored value.
func (c *Client) UpdateUserKey(ctx context.Context, in *UpdateUserKeyRequest) (*UpdateUserKeyResult, error) {
	body := *in
	body.Business = orBusiness(body.Business)
	var out UpdateUserKeyResult
	if err := c.Call(ctx, "UpdateUserKey", &body, &out, true); err != nil {
		return nil, err
	}
	if out.UpdateResult != 0 {
		return &out, &APIError{Action: "UpdateUserKey", Code: "FailedOperation",
			Message: fmt.Sprintf("UpdateResult is %d (0 means success)", out.UpdateResult), RequestID: out.RequestId}
	}
	return &out, nil
}

// DeleteUserKeyRequest names the instance to delete (the action takes no Business).
type DeleteUserKeyRequest struct {
	KeyID string `json:"KeyID"`
}

// DeleteUserKeyResult is DeleteUserKey's answer; DeleteResult 0 means success.
type DeleteUserKeyResult struct {
	DeleteResult int    `json:"DeleteResult"`
	RequestId    string `json:"RequestId,omitempty"`
}

// DeleteUserKey deletes an instance; an unknown KeyID is ResourceNotFound.
func (c *Client) DeleteUserKey(ctx context.Context, in *DeleteUserKeyRequest) (*DeleteUserKeyResult, error) {
	var out DeleteUserKeyResult
	if err := c.Call(ctx, "DeleteUserKey", in, &out, true); err != nil {
		return nil, err
	}
	if out.DeleteResult != 0 {
		return &out, &APIError{Action: "DeleteUserKey", Code: "FailedOperation",
			Message: fmt.Sprintf("DeleteResult is %d (0 means success)", out.DeleteResult), RequestID: out.RequestId}
	}
	return &out, nil
}

// EnvBaseInfo is an environment's identity as DescribeEnvInfo returns it.
type EnvBaseInfo struct {
	EnvId  string `json:"EnvId"`
	Alias  string `json:"Alias,omitempty"`
	Status string `json:"Status,omitempty"`
	Region string `json:"Region,omitempty"`
}

// EnvInfo is DescribeEnvInfo's answer.
type EnvInfo struct {
	EnvInfo struct {
		EnvBaseInfo EnvBaseInfo `json:"EnvBaseInfo"`
	} `json:"EnvInfo"`
	RequestId string `json:"RequestId,omitempty"`
}

// DescribeEnvInfo reads the environment's base info (the official clients'
// lookup before integration calls).
func (c *Client) DescribeEnvInfo(ctx context.Context) (*EnvInfo, error) {
	var out EnvInfo
	return &out, c.Call(ctx, "DescribeEnvInfo", nil, &out, false)
}

// TemplateField is one field a template asks for, from its Ext.
type TemplateField struct {
	Name        string `json:"name"`
	Label       string `json:"label,omitempty"`
	Type        string `json:"type,omitempty"`
	Required    bool   `json:"required,omitempty"`
	Description string `json:"description,omitempty"`
	Placeholder string `json:"placeholder,omitempty"`
}

// Secret reports whether the field holds a sensitive value (type password or secret).
func (f TemplateField) Secret() bool { return SecretFieldType(f.Type) }

// SecretFieldType reports whether a template field type holds secrets.
func SecretFieldType(typ string) bool {
	return strings.EqualFold(typ, "password") || strings.EqualFold(typ, "secret")
}

// ParseTemplateFields reads the field definitions out of a template's Ext
// ({"fields":[...]}); an empty Ext has no fields.
func ParseTemplateFields(ext string) ([]TemplateField, error) {
	if strings.TrimSpace(ext) == "" {
		return nil, nil
	}
	var doc struct {
		Fields []TemplateField `json:"fields"`
	}
	if err := json.Unmarshal([]byte(ext), &doc); err != nil {
		return nil, fmt.Errorf("template Ext is not the documented {\"fields\":[...]} JSON: %w", err)
	}
	fields := doc.Fields[:0]
	for _, f := range doc.Fields {
		if f.Name != "" {
			fields = append(fields, f)
		}
	}
	return fields, nil
}

func orBusiness(b string) string {
	if b == "" {
		return DefaultBusiness
	}
	return b
}

func orLimit(n int) int {
	if n <= 0 {
		return DefaultPageLimit
	}
	return n
}

// Connector authorization methods (Tencent Qinglian) a template can declare
// in its Ext as {"authMethod": …}.
const (
	AuthAPIKey     = "api_key"
	AuthSession    = "session_auth"
	AuthOAuthV2    = "oauth_v2"
	AuthBasic      = "basic_auth"
	AuthCustomFlow = "custom_flow"
	AuthNone       = "none"
)

// TemplateAuthMethod is the authorization method a template's Ext declares
// ("authMethod"), or "" when it declares none.
func TemplateAuthMethod(ext string) string {
	var doc struct {
		AuthMethod string `json:"authMethod"`
	}
	if json.Unmarshal([]byte(ext), &doc) != nil {
		return ""
	}
	return doc.AuthMethod
}
