// Package tccred finds the server's own Tencent Cloud credentials the way
// Tencent Cloud's tools do: the environment, a named profile in
// ~/.tencentcloud/credentials or tccli's ~/.tccli/<profile>.credential, or
// (only when asked for) a CVM/TKE instance role. Temporary credentials are
// refreshed before they expire rather than read once at start.
package tccred

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
)

// The values of --credential-source.
const (
	SourceAuto    = "auto"    // environment, then profile files; never the network
	SourceEnv     = "env"     // the environment only
	SourceProfile = "profile" // the profile files only
	SourceRole    = "role"    // the instance metadata service (CVM, TKE nodes)
)

// DefaultMetadataURL is the CVM instance metadata service.
const DefaultMetadataURL = "http://metadata.tencentyun.com/latest/meta-data/"

// Options says where to look.
type Options struct {
	Source string // auto (default), env, profile or role

	// From the environment (TENCENTCLOUD_SECRETID/KEY/SESSIONTOKEN).
	SecretID, SecretKey, SessionToken string

	Profile         string // profile name; "" means "default"
	CredentialsFile string // replaces ~/.tencentcloud/credentials (TENCENTCLOUD_CREDENTIALS_FILE)
	Home            string // the user's home; "" means os.UserHomeDir

	RoleName    string // the CAM role bound to the instance; "" asks the metadata service
	MetadataURL string // "" means DefaultMetadataURL
	HTTPClient  *http.Client
	Now         func() time.Time

	// OnNew is told each credential as it is obtained (start or refresh),
	// so the redactor learns the new secret before it can be printed.
	OnNew func(tcb.Credential)
}

// Resolved is the credential source chosen at start.
type Resolved struct {
	// Source names where the credentials come from, for the start-up line:
	// "environment", "profile work from /home/u/.tccli/work.credential",
	// "CVM role ops-role". Never a key.
	Source string
	// Provider gives the current pair on every call; nil when nothing is configured.
	Provider tcb.CredentialProvider
	// Temporary is true for a session-token pair the server cannot renew itself.
	Temporary bool
}

// SourceEnvironment is Resolved.Source for credentials from the environment.
const SourceEnvironment = "environment (TENCENTCLOUD_SECRETID)"

// Resolve picks the source. An explicit choice that cannot be satisfied
// (--profile naming a missing profile, --credential-source env without the
// variables) is an error; nothing configured at all is not: Source is "" and
// the tools answer with tcb.ErrNoCredentials.
func Resolve(ctx context.Context, o Options) (*Resolved, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Profile == "" {
		o.Profile = "default"
	}
	env := tcb.Credential{SecretID: o.SecretID, SecretKey: o.SecretKey, SessionToken: o.SessionToken}
	switch o.Source {
	case "", SourceAuto:
		if env.Complete() {
			return fromEnv(env, o), nil
		}
		if o.SecretID != "" || o.SecretKey != "" {
			return nil, fmt.Errorf("TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY must be set together (only one is)")
		}
		p, err := findProfile(o)
		if err != nil || p != nil {
			return p, err
		}
		if o.Profile != "default" {
			return nil, fmt.Errorf("--profile %s: no such profile in %s", o.Profile, strings.Join(profilePaths(o), " or "))
		}
		return &Resolved{}, nil
	case SourceEnv:
		if !env.Complete() {
			return nil, fmt.Errorf("--credential-source env: set TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY")
		}
		return fromEnv(env, o), nil
	case SourceProfile:
		p, err := findProfile(o)
		if err == nil && p == nil {
			err = fmt.Errorf("--credential-source profile: no profile %s in %s", o.Profile, strings.Join(profilePaths(o), " or "))
		}
		return p, err
	case SourceRole:
		return newRole(ctx, o)
	}
	return nil, fmt.Errorf("--credential-source %q: want auto, env, profile or role", o.Source)
}

func fromEnv(c tcb.Credential, o Options) *Resolved {
	if o.OnNew != nil {
		o.OnNew(c)
	}
	return &Resolved{Source: SourceEnvironment, Temporary: c.SessionToken != "",
		Provider: func(context.Context) (tcb.Credential, error) { return c, nil }}
}

func (o Options) home() string {
	if o.Home != "" {
		return o.Home
	}
	h, _ := os.UserHomeDir()
	return h
}

// profilePaths are the files a profile is looked up in, in order.
func profilePaths(o Options) []string {
	ini := o.CredentialsFile
	if ini == "" {
		ini = filepath.Join(o.home(), ".tencentcloud", "credentials")
	}
	return []string{ini, filepath.Join(o.home(), ".tccli", o.Profile+".credential")}
}
