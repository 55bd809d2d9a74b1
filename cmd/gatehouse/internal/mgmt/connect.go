package mgmt

import (
	"context"
	"slices"
	"time"

	"github.com/gatehouse-auth/gatehouse/cmd/gatehouse/internal/client"
)

// requestTimeout bounds each management request, including a token refresh it needs.
const requestTimeout = 30 * time.Second

// NoConnectionError is returned when no connection to Gatehouse itself is stored.
type NoConnectionError struct {
	// Issuer is the Gatehouse to connect to when it can be told, from --server or from
	// the stored tenant connections; empty otherwise.
	Issuer string
}

// Error implements error.
func (e *NoConnectionError) Error() string {
	if e.Issuer == "" {
		return "mgmt: not connected to a Gatehouse"
	}
	return "mgmt: not connected to the Gatehouse " + e.Issuer
}

// TenantConnectionError is returned when --server names a tenant's connection: its
// token is for the tenant, and the management API refuses it.
type TenantConnectionError struct {
	URL, Issuer string
}

// Error implements error.
func (e *TenantConnectionError) Error() string {
	return "mgmt: " + e.URL + " is a tenant connection of " + e.Issuer
}

// IsGatehouse reports whether e is a connection to Gatehouse itself, whose token the
// management API takes: made with connect --url pointing at the issuer, so with no
// resource.
func IsGatehouse(e *client.Entry) bool {
	if e.Resource != "" {
		return false
	}
	u, errU := client.NormalizeURL(e.URL)
	iss, errI := client.NormalizeURL(e.Issuer)
	return errU == nil && errI == nil && u == iss
}

// PickConnection chooses among the stored connections the one management commands
// use: the one for server when it is set, else the only connection to Gatehouse
// itself. It fails with *NoConnectionError, *TenantConnectionError or *ChooseError.
func PickConnection(entries []*client.Entry, server string) (*client.Entry, error) {
	// Named with --server.
	if server != "" {
		key, err := client.NormalizeURL(server)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if u, _ := client.NormalizeURL(e.URL); u != key {
				continue
			}
			if !IsGatehouse(e) {
				return nil, &TenantConnectionError{URL: e.URL, Issuer: e.Issuer}
			}
			return e, nil
		}
		return nil, &NoConnectionError{Issuer: key}
	}

	// The only one.
	var found []*client.Entry
	var issuers []string
	for _, e := range entries {
		if IsGatehouse(e) {
			found = append(found, e)
		} else if !slices.Contains(issuers, e.Issuer) {
			issuers = append(issuers, e.Issuer)
		}
	}
	switch len(found) {
	case 0:
		hint := ""
		if len(issuers) == 1 {
			hint = issuers[0]
		}
		return nil, &NoConnectionError{Issuer: hint}
	case 1:
		return found[0], nil
	}
	urls := make([]string, len(found))
	for i, e := range found {
		urls[i] = e.URL
	}
	return nil, &ChooseError{What: "Gatehouse connections", Options: urls, Flag: "--server"}
}

// Dial returns a Client for the Gatehouse connection that [PickConnection] chooses in
// store. Its requests carry the connection's access token, refreshed and saved by the
// store as needed; ctx bounds the refreshes.
func Dial(ctx context.Context, store *client.Store, server string) (*Client, error) {
	entries, err := store.List()
	if err != nil {
		return nil, err
	}
	e, err := PickConnection(entries, server)
	if err != nil {
		return nil, err
	}

	// oauth2's client keeps the base transport but not its timeout; set it again.
	hc := store.Client(ctx, e.URL)
	hc.Timeout = requestTimeout
	return New(e.Issuer, hc), nil
}
