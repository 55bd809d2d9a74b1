// Package mgmt is the command-line side of Gatehouse's management API (/api/v1): a typed
// HTTP client for organizations, members, invitations, tenants, billing, authorized
// devices and the audit trail, the one-line messages its errors turn into, and the
// tables and JSON the gatehouse commands print.
//
// The cobra commands in cmd/gatehouse only parse flags and call this package, so that
// everything a user sees can be tested without them.
package mgmt

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// APIPrefix is the path of the management API below the issuer.
const APIPrefix = "/api/v1"

// maxResponseBytes caps a response body read from the API: 8 MiB is far more than any
// list the API returns.
const maxResponseBytes = 8 << 20

// maxErrorBytes caps the error body read from a failed request.
const maxErrorBytes = 64 << 10

// Client calls the management API of one Gatehouse server. Its methods are safe for
// concurrent use when HTTPClient is.
type Client struct {
	// Server is the Gatehouse issuer URL, such as https://gatehouse.example; API paths
	// are appended to it.
	Server string

	// HTTPClient sends the requests and must add the Gatehouse access token as a Bearer
	// token (client.Store.Client does). nil means http.DefaultClient, which sends none.
	HTTPClient *http.Client
}

// New returns a Client for the Gatehouse at server that sends its requests through hc.
func New(server string, hc *http.Client) *Client {
	return &Client{Server: strings.TrimRight(server, "/"), HTTPClient: hc}
}

// request is one call of the API.
type request struct {
	method string
	path   string     // below APIPrefix, built with [path]
	query  url.Values // nil for none
	kind   Kind       // what the path names, for a 404's message
	in     any        // the JSON body; nil for none
	out    any        // decoded from a 2xx body; nil to ignore it
}

// do sends r and decodes the answer. A status outside 2xx is an *APIError; a failure
// to reach the server is a *TransportError.
func (c *Client) do(ctx context.Context, r request) error {
	// Build.
	target := strings.TrimRight(c.Server, "/") + APIPrefix + r.path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}
	var body io.Reader
	if r.in != nil {
		data, err := json.Marshal(r.in)
		if err != nil {
			return fmt.Errorf("mgmt: encode %s %s: %w", r.method, r.path, err)
		}
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, target, body)
	if err != nil {
		return fmt.Errorf("mgmt: %s %s: %w", r.method, r.path, err)
	}
	req.Header.Set("Accept", "application/json")
	if r.in != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	// Send.
	hc := c.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return &TransportError{Server: c.Server, Err: unwrapURLError(err)}
	}
	defer resp.Body.Close()

	// Answer.
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return newAPIError(c.Server, r.kind, resp)
	}
	if r.out == nil || resp.StatusCode == http.StatusNoContent {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponseBytes))
		return nil
	}
	dec := json.NewDecoder(io.LimitReader(resp.Body, maxResponseBytes))
	if err := dec.Decode(r.out); err != nil {
		return fmt.Errorf("mgmt: %s %s: the answer is not the JSON expected: %w",
			r.method, r.path, err)
	}
	return nil
}

// unwrapURLError returns the cause inside the *url.Error that http.Client wraps every
// failure in, so that errors from the token source (client.ErrSessionEnded) and
// context cancellation read without the request line around them.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err
	}
	return err
}

// path joins segments into an API path, escaping each: ids and prefixes typed by a
// user go into paths.
func path(segments ...string) string {
	var b strings.Builder
	for _, s := range segments {
		b.WriteString("/" + url.PathEscape(s))
	}
	return b.String()
}

// nonNil returns s, or an empty slice when s is nil, so that JSON shows [] and not null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
