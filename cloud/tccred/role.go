package tccred

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
)

// refreshBefore is how long before expiry a role credential is renewed.
const refreshBefore = 5 * time.Minute

// role holds a CAM role's temporary credentials from the instance metadata
// service and renews them before they expire.
type role struct {
	o    Options
	name string

	mu      sync.Mutex
	cred    tcb.Credential
	expires time.Time
}

// newRole is only reached with --credential-source role: the metadata
// service is never probed otherwise. The first fetch happens here so a
// wrong role name shows at start; if the service is unreachable the server
// still starts and each call retries the fetch.
func newRole(ctx context.Context, o Options) (*Resolved, error) {
	if o.MetadataURL == "" {
		o.MetadataURL = DefaultMetadataURL
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 5 * time.Second}
	}
	r := &role{o: o, name: o.RoleName}
	if r.name == "" {
		name, err := r.get(ctx, "cam/security-credentials/")
		if err != nil {
			return nil, fmt.Errorf("--credential-source role: no --role-name given and the metadata service did not name one: %w", err)
		}
		r.name = strings.TrimSpace(strings.SplitN(string(name), "\n", 2)[0])
	}
	res := &Resolved{Source: "CVM role " + r.name, Provider: r.current, Temporary: true}
	if _, err := r.current(ctx); err != nil {
		var bad *roleError
		if errors.As(err, &bad) {
			return nil, err
		}
		res.Source += " (first fetch failed, retried on each call: " + err.Error() + ")"
	}
	return res, nil
}

type roleError struct{ msg string }

func (e *roleError) Error() string { return e.msg }

// current returns the role's credentials, renewing them when they expire
// within refreshBefore. A failed renewal keeps the old pair while it lasts.
func (r *role) current(ctx context.Context) (tcb.Credential, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.o.Now()
	if r.cred.Complete() && now.Before(r.expires.Add(-refreshBefore)) {
		return r.cred, nil
	}
	cred, expires, err := r.fetch(ctx)
	if err != nil {
		if r.cred.Complete() && now.Before(r.expires) {
			return r.cred, nil
		}
		return tcb.Credential{}, err
	}
	if r.o.OnNew != nil {
		r.o.OnNew(cred)
	}
	r.cred, r.expires = cred, expires
	return cred, nil
}

func (r *role) fetch(ctx context.Context) (tcb.Credential, time.Time, error) {
	body, err := r.get(ctx, "cam/security-credentials/"+r.name)
	if err != nil {
		return tcb.Credential{}, time.Time{}, err
	}
	var m struct {
		TmpSecretID  string `json:"TmpSecretId"`
		TmpSecretKey string `json:"TmpSecretKey"`
		Token        string `json:"Token"`
		ExpiredTime  int64  `json:"ExpiredTime"`
		Code         string `json:"Code"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return tcb.Credential{}, time.Time{}, fmt.Errorf("role %s: the metadata service answered something other than credentials", r.name)
	}
	if m.Code != "" && m.Code != "Success" {
		return tcb.Credential{}, time.Time{}, &roleError{fmt.Sprintf("role %s: the metadata service answered %s: check the role is bound to this instance", r.name, m.Code)}
	}
	cred := tcb.Credential{SecretID: m.TmpSecretID, SecretKey: m.TmpSecretKey, SessionToken: m.Token}
	if !cred.Complete() || m.ExpiredTime == 0 {
		return tcb.Credential{}, time.Time{}, fmt.Errorf("role %s: the metadata service answered without a complete credential", r.name)
	}
	return cred, time.Unix(m.ExpiredTime, 0), nil
}

func (r *role) get(ctx context.Context, path string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(r.o.MetadataURL, "/")+"/"+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := r.o.HTTPClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("cannot reach the instance metadata service (only CVM and TKE nodes have one): %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil, &roleError{fmt.Sprintf("role %q is not bound to this instance (metadata service: 404)", r.name)}
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the instance metadata service answered HTTP %d", resp.StatusCode)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 64<<10))
}
