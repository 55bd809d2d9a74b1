package client

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// NormalizeURL returns the canonical form of a server URL as it is used for keys in the
// credentials file and for comparing an RFC 9728 resource identifier: scheme and host
// in lower case, no trailing slash, no query and no fragment. It fails on anything that
// is not an absolute http or https URL.
func NormalizeURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", fmt.Errorf("client: %q is not a server URL; use the form https://host[/path]", raw)
	}

	// RFC 9728 §1.2 and RFC 8707 §2: a resource identifier has no query or fragment.
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("client: server URL %q must not carry a query, fragment or user name", raw)
	}

	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u.String(), nil
}

// sameURL reports whether a and b name the same server once normalized.
func sameURL(a, b string) bool {
	na, errA := NormalizeURL(a)
	nb, errB := NormalizeURL(b)
	return errA == nil && errB == nil && na == nb
}

// checkTransport refuses to send credentials to raw over plain HTTP unless the host is a
// loopback address or allowInsecure is set. RFC 6749 §1.6 and RFC 8628 §5 require TLS
// for every request that carries a code or a token.
func checkTransport(raw string, allowInsecure bool) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("client: the address %q is not an absolute URL", raw)
	}

	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && (allowInsecure || isLoopback(u.Hostname())):
		return nil
	case u.Scheme == "http":
		return fmt.Errorf("client: refusing plain http to %s; use https (or allow insecure "+
			"http explicitly for a test server)", raw)
	default:
		return fmt.Errorf("client: the address %s is not an http or https URL", raw)
	}
}

// isLoopback reports whether host is localhost or a loopback IP address.
func isLoopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
