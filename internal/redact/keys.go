package redact

// A key name is compared after normalisation: ASCII letters lowercased, every
// other character dropped, so client_secret, ClientSecret, client-secret and
// "x-tc-token" become clientsecret / xtctoken.
//
// A key is secret when its normalised name ENDS with one of secretSuffixes:
// access_token, SessionToken, ClientSecret, AccountPassword, ApiKey, api_key,
// x-telnyx-api-key, TmpSecretKey, privateKey, Authorization, Set-Cookie… Names
// that merely start or contain such a word are not: token_type, TokenEndpoint,
// TokenEndpointAuthMethod, SecretId, KeyId, KeyName, api_key_ref, PasswordPolicy,
// max_tokens, RefreshTokenExpiresIn.
var secretSuffixes = []string{
	"token",         // access_token, refresh_token, id_token, SessionToken, x-tc-token
	"secret",        // ClientSecret, client_secret, AccessKeySecret
	"password",      // AccountPassword, sip_password
	"passwd",        // db_passwd
	"pwd",           // a boolean like NeedPwd stays: only strings and numbers are masked
	"passphrase",    // key_passphrase
	"apikey",        // CloudBase ApiKey (a JWT), api_key, x-api-key, x-telnyx-api-key
	"secretkey",     // Tencent SecretKey, TmpSecretKey
	"privatekey",    // privateKey, private_key
	"authorization", // Authorization, Proxy-Authorization
	"cookie",        // Cookie, Set-Cookie
}

// notSecretSuffixes are exceptions to secretSuffixes: pagination cursors, which
// the model must be able to pass back.
var notSecretSuffixes = []string{"nexttoken", "pagetoken", "continuationtoken", "paginationtoken"}

// lineValueKeys are header-like keys whose free-text value runs to the end of
// the line ("Cookie: a=1; b=2"); schemeKeys keep their leading auth scheme
// visible ("Authorization: TC3-HMAC-SHA256 [redacted: …]").
var (
	lineValueKeys = []string{"authorization", "cookie"}
	schemeKeys    = []string{"authorization"}
)

// bySuffixEnd indexes both suffix tables by their last byte: most keys (Name,
// Type, RequestId) are rejected by one table load, which matters because every
// key of every JSON document is checked.
var bySuffixEnd = func() (t [256]struct{ secret, not []string }) {
	for _, s := range secretSuffixes {
		t[s[len(s)-1]].secret = append(t[s[len(s)-1]].secret, s)
	}
	for _, s := range notSecretSuffixes {
		t[s[len(s)-1]].not = append(t[s[len(s)-1]].not, s)
	}
	return t
}()

// IsSecretKey reports whether values under the key name hold secrets.
func IsSecretKey(name string) bool {
	var buf [keyTail]byte
	return isSecretNorm(normKey(name, &buf))
}

// keyTail is how many normalised chars of a name are kept: more than the
// longest suffix in the tables.
const keyTail = 32

// normKey normalises name into buf, keeping the last keyTail significant
// characters (only the end of a name matters), without allocating.
func normKey(name string, buf *[keyTail]byte) []byte {
	n := len(buf)
	for i := len(name) - 1; i >= 0 && n > 0; i-- {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		default:
			continue
		}
		n--
		buf[n] = c
	}
	return buf[n:]
}

func isSecretNorm(k []byte) bool {
	if len(k) == 0 {
		return false
	}
	e := &bySuffixEnd[k[len(k)-1]]
	return hasAnySuffix(k, e.secret) && !hasAnySuffix(k, e.not)
}

func hasAnySuffix(k []byte, suffixes []string) bool {
	for _, s := range suffixes {
		if len(k) >= len(s) && string(k[len(k)-len(s):]) == s {
			return true
		}
	}
	return false
}
