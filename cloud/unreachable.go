package cloud

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"syscall"
)

// UnreachableError means a request never reached the cloud because this
// machine could not connect: a person fixes that (network, proxy, DNS,
// certificates), not a retry. Its text replaces the raw SDK or net/http
// string with what to check.
type UnreachableError struct {
	Host   string // the host that could not be reached
	Reason string // DNS, proxy, TLS or connection refused
	Err    error
}

func (e *UnreachableError) Error() string {
	switch e.Reason {
	case "TLS":
		return fmt.Sprintf("cannot reach %s (TLS: the certificate is not trusted): check for an intercepting proxy and its CA; HTTPS_PROXY is honoured", e.Host)
	case "proxy":
		return fmt.Sprintf("cannot reach %s (the proxy refused or could not be reached): check HTTPS_PROXY/HTTP_PROXY and NO_PROXY", e.Host)
	}
	return fmt.Sprintf("cannot reach %s (%s): check network/proxy; HTTPS_PROXY is honoured", e.Host, e.Reason)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// Retryable reports whether trying again soon may help: a refused
// connection (a restarting proxy or server) may; a name that does not
// resolve or an untrusted certificate will not.
func (e *UnreachableError) Retryable() bool { return e.Reason == "connection refused" }

// Unreachable classifies a transport failure on a request to host. It
// returns nil when err is not a failure to connect (a timeout, a cut
// connection after sending), which the caller handles as before.
func Unreachable(host string, err error) *UnreachableError {
	if err == nil {
		return nil
	}
	var u *UnreachableError
	if errors.As(err, &u) {
		return u
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "proxyconnect" {
		return &UnreachableError{Host: host, Reason: "proxy", Err: err}
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return &UnreachableError{Host: host, Reason: "DNS", Err: err}
	}
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	if errors.As(err, &unknownCA) || errors.As(err, &hostname) || errors.As(err, &invalid) || errors.As(err, &verify) {
		return &UnreachableError{Host: host, Reason: "TLS", Err: err}
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return &UnreachableError{Host: host, Reason: "connection refused", Err: err}
	}
	return nil
}

// HostOf is the host of a URL for messages ("" when it does not parse).
func HostOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return u.Hostname()
}
