package prompts

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
	"github.com/cloudops-mcp/cloudops-mcp/internal/lazyre"
	"github.com/cloudops-mcp/cloudops-mcp/resources"
)

// maxAPIKeys is the documented api_key quota per environment.
const maxAPIKeys = 5

var keyNameRe = lazyre.New(`^[^\x00-\x1f]{1,64}$`)

func (p cbPrompts) apiKeys(ctx context.Context) ([]tcb.ApiKey, error) {
	res, err := p.c().DescribeApiKeyList(ctx, &tcb.DescribeApiKeyListRequest{KeyType: "api_key", PageNumber: 1, PageSize: 100})
	if err != nil {
		return nil, err
	}
	return res.Data, nil
}

func (p cbPrompts) completeKeyName(ctx context.Context, prefix string) ([]string, error) {
	keys, err := p.apiKeys(ctx)
	if err != nil {
		return nil, errors.New(cloudMessage(err))
	}
	var names []string
	for _, k := range keys {
		names = append(names, k.Name)
	}
	return resources.WithPrefix(names, prefix), nil
}

func (p cbPrompts) rotateAPIKey() Spec {
	return Spec{Name: "rotate_api_key", Title: "Rotate an API key",
		Description: "Replace a server API key: create the new key, deliver it outside the chat, confirm it works, and delete the old key last.",
		Args: []Arg{
			{Name: "keyName", Description: "Name of the api_key to replace", Required: true,
				Check: matching(keyNameRe, "1-64 printable characters"), Complete: p.completeKeyName},
			{Name: "newKeyName", Description: "Name for the new key (default: keyName plus -rotated)", Check: matching(keyNameRe, "1-64 printable characters")},
		},
		Needs:  []string{"cloudbase_describe_api_key_list", "cloudbase_create_api_key", "cloudbase_delete_api_key"},
		Render: p.renderRotateAPIKey,
	}
}

var unsafeFileChars = lazyre.New(`[^A-Za-z0-9._-]+`)

func (p cbPrompts) renderRotateAPIKey(ctx context.Context, a map[string]string) (string, error) {
	name := a["keyName"]
	newName := a["newKeyName"]
	if newName == "" {
		newName = name + "-rotated"
	}
	oldID := "<KeyId of " + name + ">"
	var t text
	listed := ""
	keys, err := p.apiKeys(ctx)
	switch {
	case err != nil:
		t.line("(The key list could not be read just now: ", cloudMessage(err), ". Step 1 reads it.)")
	default:
		var ids, all, table []string
		for _, k := range keys {
			table = append(table, fmt.Sprintf("%q (KeyId %s, ExpireAt %s)", k.Name, k.KeyId, orText(k.ExpireAt, "never")))
			all = append(all, fmt.Sprintf("%q", k.Name))
			if k.Name == name {
				ids = append(ids, k.KeyId)
			}
		}
		switch {
		case len(ids) == 0:
			return "", badArg("keyName: no api_key named %q in environment %s; existing: %s", name, p.env(ctx), orText(strings.Join(all, ", "), "none"))
		case len(ids) == 1:
			oldID = ids[0]
		default:
			t.line(fmt.Sprintf("Several api_key keys are named %q (KeyIds %s): ask the user which one is being replaced before step 2.", name, strings.Join(ids, ", ")))
		}
		listed = fmt.Sprintf("The api_key keys, read just now: %s.", strings.Join(table, "; "))
		if len(keys) >= maxAPIKeys {
			t.line(fmt.Sprintf("The environment already holds %d api_key keys, the maximum: a new key cannot be created until the user picks an unused key (never %q) to delete.", len(keys), name))
		}
	}
	file := strings.Trim(unsafeFileChars.ReplaceAllString(newName, "-"), "-._")
	if file == "" {
		file = "api-key"
	}
	file += ".key"
	t.line(fmt.Sprintf("Rotate the CloudBase API key %q (KeyId %s) of environment %s. Order matters: the old key is deleted last, only after the user confirms the new one works everywhere.", name, oldID, p.env(ctx)))
	t.blank()
	t.line("Key tokens are secrets: never print, repeat or ask the user to paste a token into this conversation.")
	t.blank()
	step := 1
	next := func() string { step++; return fmt.Sprintf("%d. ", step-1) }
	if listed != "" {
		t.line(listed, fmt.Sprintf(" At most %d may exist.", maxAPIKeys))
		t.blank()
	} else {
		t.line(next(), "List the keys: ", call("cloudbase_describe_api_key_list", map[string]any{"KeyType": "api_key"}),
			fmt.Sprintf(". Find %q and note its KeyId and ExpireAt. At most %d api_key keys may exist: if that many do, stop and ask which unused key to delete first.", name, maxAPIKeys))
	}
	t.line(next(), "Ask whether the new key should expire (recommended, so the next rotation is forced: ExpireIn 7776000 s = 90 days; 0 = never). Then create it, delivered to a file:")
	t.line("   ", call("cloudbase_create_api_key", map[string]any{"KeyType": "api_key", "KeyName": newName, "ExpireIn": 7776000, "deliverTo": file}))
	t.line(next(), "Deliver: the token is returned only once. With deliverTo it is written to the file the result names in Delivered.path (mode 0600; Delivered.fingerprint identifies it) and never shown here.")
	t.line("   Tell the user that path and to move the token into their secret store, then delete the file. If the tool refuses because no secrets folder")
	t.line("   is available, nothing was created: stop; the operator must set --secrets-dir (or the user rotates the key in the CloudBase console).")
	t.line(next(), "Confirm: ask the user to deploy the new key everywhere ", fmt.Sprintf("%q", name), " is used and to confirm each service works with it. Do not continue without an explicit yes.")
	t.line(next(), "Delete the old key last: ", call("cloudbase_delete_api_key", map[string]any{"KeyId": oldID}), ". ", askOnce)
	t.line(next(), "Verify: ", call("cloudbase_describe_api_key_list", map[string]any{"KeyType": "api_key"}),
		fmt.Sprintf(" lists %q and no longer lists KeyId %s. Report names, KeyIds and expiry dates, never a token.", newName, oldID))
	return t.String(), nil
}
