package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Options tunes how the client talks to a server. The zero value is ready to use.
type Options struct {
	// HTTPClient sends every request; nil means [NewHTTPClient].
	HTTPClient *http.Client

	// AllowInsecureHTTP permits plain http to hosts other than loopback addresses.
	// It exists for test servers; false (the default) refuses them.
	AllowInsecureHTTP bool
}

// Server is what discovery learned about a server URL.
type Server struct {
	// URL is the server URL the user gave, normalized with [NormalizeURL].
	URL string

	// Issuer is the Gatehouse issuer that signs the user in. It equals URL when the user
	// gave the issuer itself.
	Issuer string

	// Resource is set when URL is a protected resource (a tenant server) that names
	// Issuer as its authorization server, and empty otherwise. It is the resource
	// identifier exactly as the tenant publishes it (equal to URL up to a trailing
	// slash), because the tenant checks the token's aud against that exact string. When
	// set, it is sent as the RFC 8707 resource parameter.
	Resource string

	// Endpoints from the issuer's OpenID Provider Metadata. RevocationEndpoint,
	// UserinfoEndpoint and JWKSURI may be empty.
	DeviceAuthorizationEndpoint string
	TokenEndpoint               string
	RevocationEndpoint          string
	UserinfoEndpoint            string
	JWKSURI                     string
}

// protectedResourceMetadata is the part of RFC 9728 §2 metadata the client reads.
type protectedResourceMetadata struct {
	Resource             string   `json:"resource"`
	AuthorizationServers []string `json:"authorization_servers"`
}

// providerMetadata is the part of OpenID Connect Discovery 1.0 §3 metadata (with the
// RFC 8628 §4 and RFC 7009 additions) the client reads.
type providerMetadata struct {
	Issuer                      string `json:"issuer"`
	DeviceAuthorizationEndpoint string `json:"device_authorization_endpoint"`
	TokenEndpoint               string `json:"token_endpoint"`
	RevocationEndpoint          string `json:"revocation_endpoint"`
	UserinfoEndpoint            string `json:"userinfo_endpoint"`
	JWKSURI                     string `json:"jwks_uri"`
}

// errNotJSON marks a 200 answer whose body is not the JSON object we asked for.
var errNotJSON = errors.New("client: response is not a JSON object")

// Discover finds out whether serverURL is a Gatehouse issuer or a tenant server that
// delegates sign-in to one, and reads the issuer's endpoints.
func Discover(ctx context.Context, opts Options, serverURL string) (*Server, error) {
	hc := orDefault(opts.HTTPClient)
	norm, err := NormalizeURL(serverURL)
	if err != nil {
		return nil, err
	}
	if err := checkTransport(norm, opts.AllowInsecureHTTP); err != nil {
		return nil, err
	}
	srv := &Server{URL: norm, Issuer: norm}

	// Step 1: is the URL a protected resource (RFC 9728)?
	prm, err := fetchResourceMetadata(ctx, hc, norm)
	if err != nil {
		return nil, err
	}
	if prm != nil {
		// RFC 9728 §3.3: the resource in the metadata must be the URL we derived the
		// metadata address from, or the metadata must not be used.
		if !sameURL(prm.Resource, norm) {
			return nil, fmt.Errorf("client: the server at %s publishes metadata for a different "+
				"resource %q (RFC 9728 §3.3); refusing to sign in", norm, prm.Resource)
		}
		if len(prm.AuthorizationServers) == 0 || prm.AuthorizationServers[0] == "" {
			return nil, fmt.Errorf("client: the server at %s names no authorization server in its "+
				"protected resource metadata", norm)
		}
		srv.Issuer = prm.AuthorizationServers[0]
		srv.Resource = prm.Resource
		if err := checkTransport(srv.Issuer, opts.AllowInsecureHTTP); err != nil {
			return nil, err
		}
	}

	// Step 2: read the issuer's OpenID Provider Metadata.
	if err := fetchProviderMetadata(ctx, hc, srv, opts.AllowInsecureHTTP); err != nil {
		return nil, err
	}
	return srv, nil
}

// fetchResourceMetadata returns the RFC 9728 metadata of resource, or nil when the
// resource publishes none (any answer other than a 200 JSON object with a resource).
func fetchResourceMetadata(ctx context.Context, hc *http.Client, resource string,
) (*protectedResourceMetadata, error) {
	for _, addr := range resourceMetadataURLs(resource) {
		var prm protectedResourceMetadata
		status, err := getJSON(ctx, hc, addr, &prm)
		if errors.Is(err, errNotJSON) {
			continue // for example a web app answering every path with HTML
		}
		if err != nil {
			return nil, err
		}
		if status == http.StatusOK && prm.Resource != "" {
			return &prm, nil
		}
	}
	return nil, nil
}

// resourceMetadataURLs lists where resource may publish its metadata. RFC 9728 §3.1
// inserts the well-known segment between host and path; for a resource with a path we
// also try the segment appended to the path, which some servers use instead.
func resourceMetadataURLs(resource string) []string {
	const wellKnown = "/.well-known/oauth-protected-resource"
	u, err := url.Parse(resource)
	if err != nil {
		return nil
	}
	path := u.EscapedPath()
	u.Path, u.RawPath = "", ""
	urls := []string{u.String() + wellKnown + path}
	if path != "" {
		urls = append(urls, resource+wellKnown)
	}
	return urls
}

// fetchProviderMetadata fills srv's endpoints from srv.Issuer's discovery document.
func fetchProviderMetadata(ctx context.Context, hc *http.Client, srv *Server,
	allowInsecure bool) error {
	// OpenID Connect Discovery 1.0 §4.1: the document lives at the issuer followed by
	// /.well-known/openid-configuration.
	addr := strings.TrimRight(srv.Issuer, "/") + "/.well-known/openid-configuration"
	var md providerMetadata
	status, err := getJSON(ctx, hc, addr, &md)
	if errors.Is(err, errNotJSON) || (err == nil && status != http.StatusOK) {
		return fmt.Errorf("client: the server at %s is not a Gatehouse server: %s did not "+
			"answer with OpenID Provider Metadata", srv.URL, addr)
	}
	if err != nil {
		return err
	}

	// OpenID Connect Discovery 1.0 §4.3: the issuer in the document must be the one we
	// asked (compared without a trailing slash, which NormalizeURL removed from user input).
	if !sameURL(md.Issuer, srv.Issuer) {
		return fmt.Errorf("client: the metadata at %s is for issuer %q instead of %q; "+
			"refusing to sign in", addr, md.Issuer, srv.Issuer)
	}

	// RFC 8628 §4: the device authorization endpoint is advertised in the metadata.
	if md.DeviceAuthorizationEndpoint == "" || md.TokenEndpoint == "" {
		return fmt.Errorf("client: issuer %s does not offer the device authorization grant",
			srv.Issuer)
	}
	endpoints := []string{md.DeviceAuthorizationEndpoint, md.TokenEndpoint,
		md.RevocationEndpoint, md.UserinfoEndpoint, md.JWKSURI}
	for _, e := range endpoints {
		if e == "" {
			continue
		}
		if err := checkTransport(e, allowInsecure); err != nil {
			return err
		}
	}

	srv.Issuer = md.Issuer
	srv.DeviceAuthorizationEndpoint = md.DeviceAuthorizationEndpoint
	srv.TokenEndpoint = md.TokenEndpoint
	srv.RevocationEndpoint = md.RevocationEndpoint
	srv.UserinfoEndpoint = md.UserinfoEndpoint
	srv.JWKSURI = md.JWKSURI
	return nil
}

// unreachable describes a request to addr that got no HTTP answer, without repeating
// the method and address that *url.Error adds.
func unreachable(addr string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("client: cannot reach %s: %w", addr, err)
}

// getJSON GETs addr and, when the answer is 200, decodes the body into v. It returns the
// status code; a 200 whose body is not a JSON object yields errNotJSON.
func getJSON(ctx context.Context, hc *http.Client, addr string, v any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, addr, nil)
	if err != nil {
		return 0, fmt.Errorf("client: build request for %s: %w", addr, err)
	}
	req.Header.Set("Accept", "application/json")

	resp, err := hc.Do(req)
	if err != nil {
		return 0, unreachable(addr, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, nil
	}

	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return resp.StatusCode, fmt.Errorf("client: read %s: %w", addr, err)
	}
	if json.Unmarshal(body, v) != nil {
		return resp.StatusCode, errNotJSON
	}
	return resp.StatusCode, nil
}
