package provider

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"
)

// Routes registers every OAuth/OIDC endpoint on r, each with its methods; a wrong
// method gets 405 with an Allow header and an OAuth error.
func (p *Provider) Routes(r *mux.Router) {
	route := func(path string, h http.HandlerFunc, methods ...string) {
		r.Handle(path, h).Methods(methods...)
		r.Handle(path, methodNotAllowed(strings.Join(methods, ", ")))
	}
	route(PathDiscovery, p.Discovery, http.MethodGet, http.MethodHead)
	route(PathServerMetadata, p.Discovery, http.MethodGet, http.MethodHead)
	route(PathJWKS, p.JWKS, http.MethodGet, http.MethodHead)
	route(PathDeviceAuthorization, p.DeviceAuthorization, http.MethodPost)
	route(PathToken, p.Token, http.MethodPost)
	route(PathIntrospect, p.Introspect, http.MethodPost)
	route(PathRevoke, p.Revoke, http.MethodPost)
	route(PathUserinfo, p.Userinfo, http.MethodGet, http.MethodPost)
	route(PathRevokedDevices, p.RevokedDevices, http.MethodGet)
	route(PathHealthz, p.Healthz, http.MethodGet, http.MethodHead)
	route(PathReadyz, p.Readyz, http.MethodGet, http.MethodHead)
	r.Handle(PathMetrics, p.Metrics()).Methods(http.MethodGet)
}
