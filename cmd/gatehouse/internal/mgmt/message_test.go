package mgmt

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/cmd/gatehouse/internal/client"
)

// TestErrorMessages checks the sentence shown for each error answer of the API, per
// what the request was about.
func TestErrorMessages(t *testing.T) {
	ctx := context.Background()
	members := func(c *Client) error { _, err := c.Members(ctx, "org_1"); return err }
	setRole := func(c *Client) error { _, err := c.SetMemberRole(ctx, "org_1", "usr_2", "admin"); return err }
	device := func(c *Client) error { _, err := c.Device(ctx, "dev_1"); return err }
	tenant := func(c *Client) error { return c.DeleteTenant(ctx, "org_1", "tnt_1") }
	invitation := func(c *Client) error { return c.RevokeInvitation(ctx, "org_1", "inv_1") }
	audit := func(c *Client) error { _, err := c.Audit(ctx, AuditQuery{}); return err }

	tests := []struct {
		name   string
		status int
		header map[string]string
		body   string
		call   func(*Client) error
		want   string // %s is the server URL
	}{
		{
			name: "401 invalid token", status: 401, call: members,
			body: `{"error":"invalid_token","error_description":"The access token is invalid, expired or revoked."}`,
			want: "Not connected to Gatehouse or the session ended: run gatehouse connect --url %s",
		},
		{
			name: "401 with a tenant's token", status: 401, call: members,
			body: `{"error":"invalid_token","error_description":"this token is for a tenant"}`,
			want: "Not connected to Gatehouse or the session ended: run gatehouse connect --url %s",
		},
		{
			name: "403 names the permission", status: 403, call: members,
			body: `{"error":"forbidden","error_description":"Your role lacks it.","permission":"members:manage"}`,
			want: "Refused: you need the members:manage permission.",
		},
		{
			name: "403 from a rule, without a permission", status: 403, call: setRole,
			body: `{"error":"forbidden","error_description":"Nobody can raise their own role."}`,
			want: "Refused: Nobody can raise their own role.",
		},
		{
			name: "403 with no body", status: 403, call: members, body: ``,
			want: "Refused: your role in the organization does not allow this.",
		},
		{
			name: "404 organization", status: 404, call: members,
			body: `{"error":"not_found","error_description":"Organization not found."}`,
			want: "No such organization (or you are not a member).",
		},
		{
			name: "404 on a member path for the organization", status: 404, call: setRole,
			body: `{"error":"not_found","error_description":"Organization not found."}`,
			want: "No such organization (or you are not a member).",
		},
		{
			name: "404 member", status: 404, call: setRole,
			body: `{"error":"not_found","error_description":"Member not found."}`,
			want: "No such member in the organization.",
		},
		{
			name: "404 tenant", status: 404, call: tenant,
			body: `{"error":"not_found","error_description":"Tenant not found."}`,
			want: "No such tenant in the organization.",
		},
		{
			name: "404 invitation", status: 404, call: invitation,
			body: `{"error":"not_found","error_description":"Invitation not found."}`,
			want: "No such invitation in the organization.",
		},
		{
			name: "404 device", status: 404, call: device,
			body: `{"error":"not_found","error_description":"Device not found."}`,
			want: "No such authorized device.",
		},
		{
			name: "404 endpoint an older server lacks", status: 404, call: device,
			body: `{"error":"not_found",
				"error_description":"No such endpoint; the API is described at /api/v1/openapi.yaml."}`,
			want: "This Gatehouse does not offer that API (no such endpoint); it may be older than this gatehouse command.",
		},
		{
			name: "409 conflict", status: 409, call: members,
			body: `{"error":"conflict","error_description":"That person is already a member of the organization."}`,
			want: "That person is already a member of the organization.",
		},
		{
			name: "409 last admin", status: 409, call: setRole,
			body: `{"error":"last_admin","error_description":"The organization's last admin cannot be demoted or removed; make someone else admin first."}`,
			want: "The organization's last admin cannot be demoted or removed; make someone else admin first.",
		},
		{
			name: "409 last admin without a description", status: 409, call: setRole,
			body: `{"error":"last_admin"}`,
			want: "The organization's last admin cannot be demoted or removed; make someone else admin first.",
		},
		{
			name: "409 without a body", status: 409, call: members, body: `conflict`,
			want: "The request conflicts with the current state; nothing was changed.",
		},
		{
			name: "503 with Retry-After", status: 503, call: audit, header: map[string]string{"Retry-After": "5"},
			body: `{"error":"temporarily_unavailable","error_description":"Retry shortly."}`,
			want: "Gatehouse is temporarily unavailable; retry in 5 seconds.",
		},
		{
			name: "503 from a proxy, with a date and HTML", status: 503, call: audit,
			header: map[string]string{"Retry-After": "Fri, 31 Dec 1999 23:59:59 GMT"},
			body:   `<html>down</html>`,
			want:   "Gatehouse is temporarily unavailable; retry shortly.",
		},
		{
			name: "400 says what is wrong", status: 400, call: setRole,
			body: `{"error":"invalid_request","error_description":"The field role must be admin, editor or viewer.","field":"role"}`,
			want: "Gatehouse refused the request: The field role must be admin, editor or viewer.",
		},
		{
			name: "500", status: 500, call: audit, body: `{"error":"server_error"}`,
			want: "Gatehouse failed to handle the request (HTTP 500); retry later, or tell its operator if it keeps failing.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body)
			}))
			defer srv.Close()

			err := tt.call(New(srv.URL, nil))
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.Status != tt.status {
				t.Fatalf("err = %v, want an APIError with status %d", err, tt.status)
			}
			want := tt.want
			if strings.Contains(want, "%s") {
				want = fmt.Sprintf(want, srv.URL)
			}
			if msg, ok := Message(err); !ok || msg != want {
				t.Errorf("Message = %q, %v\n want %q", msg, ok, want)
			}
		})
	}
}

// TestLocalErrorMessages checks the sentences for errors raised before or instead of
// an answer.
func TestLocalErrorMessages(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"session ended while refreshing",
			&TransportError{Server: "https://gh.example", Err: fmt.Errorf("%w for https://gh.example: "+
				"the server no longer accepts its refresh token", client.ErrSessionEnded)},
			"Not connected to Gatehouse or the session ended: run gatehouse connect --url https://gh.example"},
		{"not connected",
			&NoConnectionError{},
			"Not connected to Gatehouse or the session ended: run gatehouse connect --url URL"},
		{"not connected, issuer known from a tenant connection",
			&NoConnectionError{Issuer: "https://gh.example"},
			"Not connected to Gatehouse or the session ended: run gatehouse connect --url https://gh.example"},
		{"a tenant's connection given to --server",
			&TenantConnectionError{URL: "https://notes.example", Issuer: "https://gh.example"},
			"https://notes.example is a tenant's connection; management commands need the Gatehouse " +
				"connection: run gatehouse connect --url https://gh.example"},
		{"several connections",
			&ChooseError{What: "Gatehouse connections", Options: []string{"https://a", "https://b"}, Flag: "--server"},
			"There are 2 Gatehouse connections (https://a, https://b); choose one with --server."},
		{"several organizations",
			&ChooseError{What: "organizations", Options: []string{"Acme", "Beta"}, Flag: "--org"},
			"There are 2 organizations (Acme, Beta); choose one with --org."},
		{"no organization", ErrNoOrg,
			"You are not a member of any organization; create one with: gatehouse org create NAME"},
		{"unknown organization", &RefError{Kind: KindOrg, Ref: "Nope"},
			"No such organization (or you are not a member)."},
		{"unknown tenant", &RefError{Kind: KindTenant, Ref: "Wiki"},
			`No tenant "Wiki" in the organization.`},
		{"two tenants of one name", &RefError{Kind: KindTenant, Ref: "Wiki", Matches: []string{"tnt_1", "tnt_2"}},
			`Several tenants are named "Wiki"; use the id, one of: tnt_1, tnt_2.`},
		{"no terminal to confirm on", ErrNoTerminal,
			"Refusing to go on without confirmation: stdin is not a terminal; pass -y to confirm."},
		{"cancelled", &TransportError{Server: "https://gh.example", Err: context.Canceled}, "Cancelled."},
		{"unknown format", &FormatError{Value: "yaml"},
			`Unknown output format "yaml"; use -o table or -o json.`},
		{"an answer that is not JSON", errors.New("mgmt: GET /orgs: the answer is not the JSON expected: EOF"),
			"GET /orgs: the answer is not the JSON expected: EOF."},
		{"unreachable", &TransportError{Server: "https://gh.example", Err: errors.New("dial tcp: connection refused")},
			"Could not reach Gatehouse at https://gh.example: dial tcp: connection refused."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if msg, ok := Message(tt.err); !ok || msg != tt.want {
				t.Errorf("Message = %q, %v\n want %q", msg, ok, tt.want)
			}
		})
	}

	if _, ok := Message(errors.New("something else")); ok {
		t.Error("Message claimed an error it does not know")
	}
}
