package api

import (
	_ "embed"
	"net/http"
)

// openAPIDoc is the API's OpenAPI 3.0 description, the contract the CLI is built on.
//
//go:embed openapi.yaml
var openAPIDoc []byte

// openAPI serves GET /api/v1/openapi.yaml, without authentication: it describes the
// API and holds nothing about anyone.
func (a *API) openAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/yaml") // RFC 9512
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(openAPIDoc)
}
