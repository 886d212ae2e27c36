package tools

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/telnyx"
	"github.com/cloudops-mcp/cloudops-mcp/resources"
)

const listAuthProvidersTool = "telnyx_list_authentication_providers"

func telnyxAuthProviderTools(d *Deps) []Tool {
	return []Tool{listAuthenticationProviders(d), createAuthenticationProvider(d), retrieveAuthenticationProvider(d),
		updateAuthenticationProvider(d), deleteAuthenticationProvider(d)}
}

// telnyxProviderChanged tells resource subscribers that a provider changed.
func (d *Deps) telnyxProviderChanged(ctx context.Context, id string) {
	d.changed(ctx, resources.TelnyxProvidersURI, resources.TelnyxProviderURI(id))
}

type listAuthenticationProvidersInput struct {
	telnyx.AuthenticationProviderFilter
	Paging
}

func listAuthenticationProviders(d *Deps) Tool {
	return defineTelnyx(d, Spec{Name: listAuthProvidersTool, Title: "List SSO providers",
		Description: "List the organization's SAML single sign-on providers with their settings and login URLs.",
		ReadOnly:    true}, "",
		func(ctx context.Context, in *listAuthenticationProvidersInput) (*listResult[telnyx.AuthenticationProvider], error) {
			return list(ctx, in.Paging, "SSO providers", func(ctx context.Context, p telnyx.PageParams) (*telnyx.Page[telnyx.AuthenticationProvider], error) {
				return d.telnyx().ListAuthenticationProviders(ctx, &in.AuthenticationProviderFilter, p)
			})
		})
}

func createAuthenticationProvider(d *Deps) Tool {
	return defineTelnyx(d, Spec{Name: "telnyx_create_authentication_provider", Title: "Create an SSO provider",
		Description: "Add a SAML identity provider for single sign-on to the Telnyx portal; the IdP's entity ID, SSO URL and certificate fingerprint decide whom Telnyx trusts.",
		Confirm:     true, CheckWith: listAuthProvidersTool, Summarize: summarizeCreateAuthProvider(d)}, "",
		func(ctx context.Context, cin *createAuthenticationProviderInput) (*createdAuthProvider, error) {
			in := &cin.CreateAuthenticationProviderParams
			if in.Settings.IdpCertFingerprintAlgorithm == "" && in.Settings.IdpCertFingerprint != "" {
				// Named rather than left to Telnyx's sha1 default: a sha256 fingerprint is taken as one.
				in.Settings.IdpCertFingerprintAlgorithm, _ = fingerprintAlgorithm(in.Settings.IdpCertFingerprint, "")
			}
			// A short name is unique: the provider it names is either the one
			// wanted (a repeat: nothing to do) or another one (say which).
			cur, err := findAuthProvider(ctx, d, in.ShortName)
			if err != nil { // unknown: the create itself answers a taken name (422)
				d.Log.Debug().Str("error", err.Error()).Msg("SSO providers unreadable before a create")
			}
			if cur != nil {
				if len(changedFields(cur, sameSpelling(cur, toJSONMap(in)), "short_name", "settings_url")) == 0 {
					return &createdAuthProvider{AuthenticationProvider: *cur, Note: fmt.Sprintf("SSO provider %s exists already with these settings (id %s): "+
						"nothing was changed", cur.ShortName, cur.ID)}, nil
				}
				return nil, Invalid("short_name: %s is taken by SSO provider %q (id %s), whose settings differ; change that one with "+
					"telnyx_update_authentication_provider (id %s) or pick another short_name; nothing was sent", cur.ShortName, cur.Name, cur.ID, cur.ID)
			}
			if err := unaskedChange(ctx, "SSO provider "+in.ShortName); err != nil {
				return nil, err
			}
			p, err := d.telnyx().CreateAuthenticationProvider(ctx, in)
			if err != nil {
				return nil, err
			}
			d.telnyxProviderChanged(ctx, p.ID)
			return &createdAuthProvider{AuthenticationProvider: *p, Changed: true}, nil
		})
}

// createAuthenticationProviderInput checks the fingerprint before anything
// is asked: its length names its algorithm.
type createAuthenticationProviderInput struct {
	telnyx.CreateAuthenticationProviderParams
}

func (in *createAuthenticationProviderInput) Validate() error {
	if s := in.Settings; s.IdpCertFingerprint != "" {
		_, err := fingerprintAlgorithm(s.IdpCertFingerprint, s.IdpCertFingerprintAlgorithm)
		return err
	}
	return nil
}

// createdAuthProvider is the provider a create made (changed true) or found
// already there with the settings given (changed false, note).
type createdAuthProvider struct {
	telnyx.AuthenticationProvider
	Changed bool   `json:"changed"`
	Note    string `json:"note,omitempty"`
}

// maxProvidersWalked bounds the list read to find a provider by short name.
const maxProvidersWalked = 500

// findAuthProvider returns the provider of a short name (compared as Telnyx
// does, without case), or nil.
func findAuthProvider(ctx context.Context, d *Deps, short string) (*telnyx.AuthenticationProvider, error) {
	list := func(ctx context.Context, p telnyx.PageParams) (*telnyx.Page[telnyx.AuthenticationProvider], error) {
		return d.telnyx().ListAuthenticationProviders(ctx, nil, p)
	}
	found, _, err := findListed(ctx, maxProvidersWalked, list, func(p *telnyx.AuthenticationProvider) bool {
		return strings.EqualFold(p.ShortName, short)
	})
	return found, err
}

func retrieveAuthenticationProvider(d *Deps) Tool {
	return defineTelnyx(d, Spec{Name: "telnyx_retrieve_authentication_provider", Title: "Get an SSO provider",
		Description: "Read one SSO provider: name, short name, active, SAML settings and the service provider URLs to configure in the IdP.",
		ReadOnly:    true}, listAuthProvidersTool,
		func(ctx context.Context, in *uuidInput) (*telnyx.AuthenticationProvider, error) {
			return d.telnyx().GetAuthenticationProvider(ctx, in.ID)
		})
}

// updateAuthenticationProviderInput is the update as the tool takes it:
// settings is a patch merged with the stored settings (Telnyx's PATCH
// replaces the whole block and resets what it lacks, e.g. the fingerprint
// algorithm to sha1), so the body sent always carries all four fields.
type updateAuthenticationProviderInput struct {
	uuidInput
	Name        *string           `json:"name,omitempty" jsonschema:"minLength=1,maxLength=255" jsonschema_description:"Display name"`
	ShortName   *string           `json:"short_name,omitempty" jsonschema:"pattern=^[A-Za-z0-9_-]+$,maxLength=64" jsonschema_description:"Unique; changes the login URL"`
	Active      *bool             `json:"active,omitempty" jsonschema_description:"Enable or disable SSO"`
	Settings    *ssoSettingsPatch `json:"settings,omitempty" jsonschema_description:"Fields left out keep their value"`
	SettingsURL *string           `json:"settings_url,omitempty" jsonschema:"format=uri,maxLength=2048" jsonschema_description:"Fills settings"`
}

// ssoSettingsPatch are the SAML settings fields an update changes.
type ssoSettingsPatch struct {
	IdpEntityID                 string `json:"idp_entity_id,omitempty" jsonschema:"minLength=1,maxLength=1024"`
	IdpSSOTargetURL             string `json:"idp_sso_target_url,omitempty" jsonschema:"format=uri,maxLength=2048" jsonschema_description:"HTTP-POST binding"`
	IdpCertFingerprint          string `json:"idp_cert_fingerprint,omitempty" jsonschema:"minLength=1,maxLength=256" jsonschema_description:"E.g. 13:38:C7:…"`
	IdpCertFingerprintAlgorithm string `json:"idp_cert_fingerprint_algorithm,omitempty" jsonschema:"enum=sha1,enum=sha256,enum=sha384,enum=sha512" jsonschema_description:"Default: from the fingerprint's length"`
}

func (in *updateAuthenticationProviderInput) Validate() error {
	if in.Name == nil && in.ShortName == nil && in.Active == nil && in.Settings == nil && in.SettingsURL == nil {
		return Invalid("arguments: give at least one of name, short_name, active, settings, settings_url")
	}
	if s := in.Settings; s != nil {
		if s.IdpEntityID == "" && s.IdpSSOTargetURL == "" && s.IdpCertFingerprint == "" && s.IdpCertFingerprintAlgorithm == "" {
			return Invalid("settings: give at least one of idp_entity_id, idp_sso_target_url, idp_cert_fingerprint, idp_cert_fingerprint_algorithm")
		}
		if s.IdpCertFingerprint != "" {
			if _, err := fingerprintAlgorithm(s.IdpCertFingerprint, s.IdpCertFingerprintAlgorithm); err != nil {
				return err
			}
		}
	}
	return nil
}

// params is the update body: the settings given merged into the stored ones
// (cur), with the algorithm named. A fingerprint whose algorithm is not
// given takes the one its length says (32 bytes: sha256).
func (in *updateAuthenticationProviderInput) params(cur *telnyx.AuthenticationProvider) (*telnyx.UpdateAuthenticationProviderParams, error) {
	out := &telnyx.UpdateAuthenticationProviderParams{Name: in.Name, ShortName: in.ShortName, Active: in.Active, SettingsURL: in.SettingsURL}
	if in.Settings == nil {
		return out, nil
	}
	var s telnyx.ProviderSettingsInput
	if st := cur.Settings; st != nil {
		s = telnyx.ProviderSettingsInput{IdpEntityID: st.IdpEntityID, IdpSSOTargetURL: st.IdpSSOTargetURL,
			IdpCertFingerprint: st.IdpCertFingerprint, IdpCertFingerprintAlgorithm: st.IdpCertFingerprintAlgorithm}
	}
	p := in.Settings
	setStr(&s.IdpEntityID, p.IdpEntityID)
	setStr(&s.IdpSSOTargetURL, p.IdpSSOTargetURL)
	if p.IdpCertFingerprint != "" && fingerprintBytes(p.IdpCertFingerprint) != fingerprintBytes(s.IdpCertFingerprint) {
		s.IdpCertFingerprint = p.IdpCertFingerprint // another spelling of the stored one is no change
	}
	alg := p.IdpCertFingerprintAlgorithm
	if alg == "" && p.IdpCertFingerprint != "" {
		alg, _ = fingerprintAlgorithm(p.IdpCertFingerprint, "")
	}
	setStr(&s.IdpCertFingerprintAlgorithm, alg)
	if s.IdpCertFingerprintAlgorithm == "" {
		s.IdpCertFingerprintAlgorithm = "sha1" // Telnyx's default, named so nothing is reset unseen
	}
	var missing []string
	for name, v := range map[string]string{"idp_entity_id": s.IdpEntityID, "idp_sso_target_url": s.IdpSSOTargetURL, "idp_cert_fingerprint": s.IdpCertFingerprint} {
		if v == "" {
			missing = append(missing, "settings."+name)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, Invalid("%s: required: SSO provider %s has no stored value to keep", join(missing), cur.ShortName)
	}
	if _, err := fingerprintAlgorithm(s.IdpCertFingerprint, s.IdpCertFingerprintAlgorithm); err != nil {
		return nil, fmt.Errorf("%w (the stored fingerprint of %s is %s; give the fingerprint that goes with the algorithm)", err, cur.ShortName, s.IdpCertFingerprint)
	}
	out.Settings = &s
	return out, nil
}

// digestAlgorithms are the fingerprint algorithms by digest length in bytes.
var digestAlgorithms = map[int]string{20: "sha1", 32: "sha256", 48: "sha384", 64: "sha512"}

// fingerprintAlgorithm checks a certificate fingerprint (hex byte pairs)
// against alg, or, alg empty, names the algorithm its length implies.
func fingerprintAlgorithm(fp, alg string) (string, error) {
	raw, err := hex.DecodeString(fingerprintBytes(fp))
	if err != nil {
		return "", Invalid("settings.idp_cert_fingerprint: must be hex byte pairs, e.g. 13:38:C7:… (got %q)", fp)
	}
	byLen, ok := digestAlgorithms[len(raw)]
	switch {
	case !ok:
		return "", Invalid("settings.idp_cert_fingerprint: %d bytes is no certificate fingerprint: sha1 has 20, sha256 32, sha384 48, sha512 64 (got %q)", len(raw), fp)
	case alg != "" && alg != byLen:
		return "", Invalid("settings.idp_cert_fingerprint: %d bytes is a %s fingerprint, but idp_cert_fingerprint_algorithm is %s: "+
			"give idp_cert_fingerprint_algorithm %q, or the %s fingerprint", len(raw), byLen, alg, byLen, alg)
	}
	return byLen, nil
}

func updateAuthenticationProvider(d *Deps) Tool {
	return defineTelnyx(d, Spec{Name: "telnyx_update_authentication_provider", Title: "Update an SSO provider",
		Description: "Change an SSO provider's name, short name, active state or SAML settings; only the fields given change. Can disable SSO or move its trust.",
		Destructive: true, Idempotent: true, CheckWith: "telnyx_retrieve_authentication_provider",
		Summarize: summarizeUpdateAuthProvider(d)}, listAuthProvidersTool,
		func(ctx context.Context, in *updateAuthenticationProviderInput) (*beforeAfter[telnyx.AuthenticationProvider], error) {
			before, err := d.telnyx().GetAuthenticationProvider(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			body, err := in.params(before)
			if err != nil {
				return nil, err
			}
			if len(changedFields(before, toJSONMap(body))) == 0 {
				return &beforeAfter[telnyx.AuthenticationProvider]{Before: before, After: before}, nil
			}
			if err := unaskedChange(ctx, "SSO provider "+in.ID); err != nil {
				return nil, err
			}
			p, err := d.telnyx().UpdateAuthenticationProvider(ctx, in.ID, body)
			if err != nil {
				return nil, err
			}
			d.telnyxProviderChanged(ctx, in.ID)
			return &beforeAfter[telnyx.AuthenticationProvider]{Before: before, After: p, Changed: true}, nil
		})
}

func deleteAuthenticationProvider(d *Deps) Tool {
	return defineTelnyx(d, Spec{Name: "telnyx_delete_authentication_provider", Title: "Delete an SSO provider",
		Description: "Delete an SSO provider: its users can no longer sign in through it. Returns the deleted provider.",
		Destructive: true, Idempotent: true, CheckWith: listAuthProvidersTool, Summarize: summarizeDeleteAuthProvider(d)}, listAuthProvidersTool,
		func(ctx context.Context, in *uuidInput) (*telnyx.AuthenticationProvider, error) {
			p, err := d.telnyx().DeleteAuthenticationProvider(ctx, in.ID)
			if err == nil {
				d.telnyxProviderChanged(ctx, in.ID)
			}
			return p, err
		})
}

func summarizeUpdateAuthProvider(d *Deps) func(context.Context, map[string]any) (string, error) {
	return func(ctx context.Context, args map[string]any) (string, error) {
		p, err := d.telnyx().GetAuthenticationProvider(ctx, argID(args))
		if err != nil {
			return "", err
		}
		var in updateAuthenticationProviderInput
		if err := decodeInto(args, &in); err != nil {
			return "", nil // the call refuses the arguments itself: nothing to ask
		}
		body, err := in.params(p)
		if err != nil {
			return "", nil // refused before anything is asked (the call says why)
		}
		fields := changedFields(p, toJSONMap(body))
		if len(fields) == 0 {
			return "", nil // no-op: answered with changed false
		}
		var effects []string
		if v, ok := args["active"].(bool); ok && (p.Active == nil || *p.Active != v) {
			effects = append(effects, map[bool]string{true: "sign-in through it is enabled", false: "sign-in through it is disabled"}[v])
		}
		if _, ok := args["settings"].(map[string]any); ok {
			effects = append(effects, "Telnyx then trusts the IdP these settings name")
		}
		parts := make([]string, len(fields))
		for i, c := range fields {
			parts[i] = c.String()
			if c.Path == "settings.idp_cert_fingerprint_algorithm" && weakerAlgorithm(c.Old, c.New) {
				parts[i] += fmt.Sprintf(" (a weaker check than %v)", c.Old)
			}
		}
		line := fmt.Sprintf("Update SSO provider %s (%s) of the Telnyx organization: %s", p.Name, p.ShortName, strings.Join(parts, "; "))
		if len(effects) > 0 {
			line += "; " + strings.Join(effects, "; ")
		}
		return line, nil
	}
}

func summarizeDeleteAuthProvider(d *Deps) func(context.Context, map[string]any) (string, error) {
	return func(ctx context.Context, args map[string]any) (string, error) {
		p, err := d.telnyx().GetAuthenticationProvider(ctx, argID(args))
		if err != nil {
			return "", err
		}
		state := "inactive"
		if p.Active != nil && *p.Active {
			state = "ACTIVE: its users will no longer be able to sign in through it"
		}
		return fmt.Sprintf("Delete SSO provider %s (short name %s, %s)", p.Name, p.ShortName, state), nil
	}
}

// summarizeCreateAuthProvider: a new SSO provider decides who can sign in, so
// its creation is asked about; a short name taken already asks nothing (the
// call answers: the same provider, or which one holds it).
func summarizeCreateAuthProvider(d *Deps) func(context.Context, map[string]any) (string, error) {
	return func(ctx context.Context, args map[string]any) (string, error) {
		short, _ := args["short_name"].(string)
		if cur, err := findAuthProvider(ctx, d, short); err == nil && cur != nil {
			return "", nil
		}
		return createAuthProviderLine(args), nil
	}
}

// createAuthProviderLine names every setting the user approves, values whole
// (the fingerprint is the trust anchor), and the algorithm also when it
// follows from the fingerprint's length. No SSO field is writeOnly (IdP
// metadata is public); a withheld one would read "set".
func createAuthProviderLine(args map[string]any) string {
	name, _ := args["name"].(string)
	short, _ := args["short_name"].(string)
	line := fmt.Sprintf("Create SSO provider %q (short name %s) for the Telnyx organization", name, short)
	leaves := map[string]any{}
	flatten("", args, leaves)
	delete(leaves, "name")
	delete(leaves, "short_name")
	const algPath = "settings.idp_cert_fingerprint_algorithm"
	derived := false
	if fp, _ := leaves["settings.idp_cert_fingerprint"].(string); fp != "" && isEmpty(leaves[algPath]) {
		if alg, err := fingerprintAlgorithm(fp, ""); err == nil {
			leaves[algPath], derived = alg, true
		}
	}
	paths := make([]string, 0, len(leaves))
	for p := range leaves {
		paths = append(paths, p)
	}
	order := []string{"settings.idp_entity_id", "settings.idp_sso_target_url", "settings.idp_cert_fingerprint", algPath}
	rank := func(p string) int {
		if i := slices.Index(order, p); i >= 0 {
			return i
		}
		return len(order)
	}
	sort.Slice(paths, func(i, j int) bool {
		if ri, rj := rank(paths[i]), rank(paths[j]); ri != rj {
			return ri < rj
		}
		return paths[i] < paths[j]
	})
	var parts []string
	for _, p := range paths {
		v := leaves[p]
		part := p + ": " + show(v)
		var notes []string
		switch {
		case v == withheldMask:
			part = p + ": set"
		case isSecretArg(v):
			part = p + ": set" + paren(v.(secretArg).from)
		case p == algPath && derived:
			notes = append(notes, "from the fingerprint's length")
		}
		if p == algPath && weakerAlgorithm("sha256", v) {
			notes = append(notes, "a weaker check than sha256")
		}
		parts = append(parts, part+paren(strings.Join(notes, "; ")))
	}
	// Without active: true the provider is created inactive (the cloud's
	// default): the question must not promise a sign-in that does not work yet.
	active, _ := args["active"].(bool)
	if _, ok := args["settings"].(map[string]any); ok {
		if active {
			line += ": users can then sign in through the IdP these settings name"
		} else {
			line += ": users can sign in through the IdP these settings name only once it is turned on"
		}
	}
	if _, given := args["active"]; !given {
		parts = append(parts, "active: not given, so it is created inactive (nobody can sign in through it until it is updated with active: true)")
	}
	if len(parts) > 0 {
		line += ": " + strings.Join(parts, "; ")
	}
	return line
}

func isSecretArg(v any) bool {
	_, ok := v.(secretArg)
	return ok
}

// weakerAlgorithm reports whether a fingerprint algorithm change from old to
// new makes the certificate check weaker (a shorter digest).
func weakerAlgorithm(old, new any) bool {
	o, _ := old.(string)
	n, _ := new.(string)
	size := func(alg string) int {
		for l, a := range digestAlgorithms {
			if a == alg {
				return l
			}
		}
		return 0
	}
	return size(n) > 0 && size(n) < size(o)
}

// beforeAfter is what a Telnyx update returns: the record before and after,
// and whether anything changed (nothing is sent when nothing would).
type beforeAfter[T any] struct {
	Before  *T   `json:"before"`
	After   *T   `json:"after"`
	Changed bool `json:"changed"`
}

// sameSpelling returns args with a certificate fingerprint that names the
// stored one in another spelling (case, colons, spaces: the same bytes)
// replaced by the stored spelling, so comparing them finds no change.
func sameSpelling(cur *telnyx.AuthenticationProvider, args map[string]any) map[string]any {
	settings, _ := args["settings"].(map[string]any)
	given, _ := settings["idp_cert_fingerprint"].(string)
	if cur == nil || cur.Settings == nil || given == "" || given == cur.Settings.IdpCertFingerprint ||
		fingerprintBytes(given) != fingerprintBytes(cur.Settings.IdpCertFingerprint) {
		return args
	}
	out := maps.Clone(args)
	s := maps.Clone(settings)
	s["idp_cert_fingerprint"] = cur.Settings.IdpCertFingerprint
	out["settings"] = s
	return out
}

// fingerprintBytes is a hex fingerprint without separators, upper case.
func fingerprintBytes(s string) string {
	return strings.ToUpper(strings.NewReplacer(":", "", " ", "", "-", "").Replace(s))
}

// decodeInto decodes JSON-shaped arguments into v.
func decodeInto(args map[string]any, v any) error {
	raw, err := json.Marshal(args)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}
