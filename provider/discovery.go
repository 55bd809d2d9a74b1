package provider

import (
	"net/http"

	"github.com/go-jose/go-jose/v3"
)

// metadata is both the OIDC Discovery 1.0 §3 document and the RFC 8414 §2 server
// metadata. There is no authorization endpoint: no grant Gatehouse serves uses one,
// which RFC 8414 §2 allows, so response_types_supported is empty.
type metadata struct {
	Issuer                        string   `json:"issuer"`
	TokenEndpoint                 string   `json:"token_endpoint"`
	DeviceAuthorizationEndpoint   string   `json:"device_authorization_endpoint"`
	JWKSURI                       string   `json:"jwks_uri"`
	UserinfoEndpoint              string   `json:"userinfo_endpoint"`
	IntrospectionEndpoint         string   `json:"introspection_endpoint"`
	RevocationEndpoint            string   `json:"revocation_endpoint"`
	RevokedDevicesEndpoint        string   `json:"revoked_devices_endpoint"`
	GrantTypesSupported           []string `json:"grant_types_supported"`
	ResponseTypesSupported        []string `json:"response_types_supported"`
	SubjectTypesSupported         []string `json:"subject_types_supported"`
	IDTokenSigningAlgs            []string `json:"id_token_signing_alg_values_supported"`
	TokenEndpointAuthMethods      []string `json:"token_endpoint_auth_methods_supported"`
	IntrospectionAuthMethods      []string `json:"introspection_endpoint_auth_methods_supported"`
	RevocationAuthMethods         []string `json:"revocation_endpoint_auth_methods_supported"`
	ScopesSupported               []string `json:"scopes_supported"`
	ClaimsSupported               []string `json:"claims_supported"`
	ClaimsParameterSupported      bool     `json:"claims_parameter_supported"`
	RequestURIParameterSupported  bool     `json:"request_uri_parameter_supported"`
	TLSClientCertBoundAccessToken bool     `json:"tls_client_certificate_bound_access_tokens"`
}

func (p *Provider) metadata() metadata {
	iss := p.cfg.Issuer
	return metadata{
		Issuer:                      iss,
		TokenEndpoint:               iss + PathToken,
		DeviceAuthorizationEndpoint: iss + PathDeviceAuthorization,
		JWKSURI:                     iss + PathJWKS,
		UserinfoEndpoint:            iss + PathUserinfo,
		IntrospectionEndpoint:       iss + PathIntrospect,
		RevocationEndpoint:          iss + PathRevoke,
		RevokedDevicesEndpoint:      iss + PathRevokedDevices,
		GrantTypesSupported:         []string{GrantTypeDeviceCode, "refresh_token"},
		ResponseTypesSupported:      []string{},
		SubjectTypesSupported:       []string{"public"},
		IDTokenSigningAlgs:          []string{"RS256"},
		TokenEndpointAuthMethods:    []string{"none", "client_secret_basic", "client_secret_post"},
		IntrospectionAuthMethods:    []string{"client_secret_basic", "client_secret_post"},
		RevocationAuthMethods:       []string{"none", "client_secret_basic", "client_secret_post"},
		ScopesSupported:             []string{"openid", "profile", "email", "offline_access"},
		ClaimsSupported: []string{"iss", "sub", "aud", "exp", "iat", "auth_time", "email", "name",
			"client_id", "scope", "jti", "device_id", "org_id", "org_role", "tenant_id"},
	}
}

// Discovery serves /.well-known/openid-configuration and RFC 8414's
// /.well-known/oauth-authorization-server.
func (p *Provider) Discovery(w http.ResponseWriter, _ *http.Request) {
	writeJSONCached(w, p.metadata())
}

// JWKS serves the public signing keys (RFC 7517): ES256 for access tokens and RS256
// for ID tokens, each with its kid.
func (p *Provider) JWKS(w http.ResponseWriter, _ *http.Request) {
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: &p.keys.AccessTokenKey.PublicKey, KeyID: p.keys.AccessTokenKeyID, Algorithm: "ES256", Use: "sig"},
		{Key: &p.keys.IDTokenKey.PublicKey, KeyID: p.keys.IDTokenKeyID, Algorithm: "RS256", Use: "sig"},
	}}
	writeJSONCached(w, set)
}
