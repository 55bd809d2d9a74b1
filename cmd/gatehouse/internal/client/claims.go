package client

import (
	"encoding/base64"
	"encoding/json"
	"strings"
)

// Claims are the identity facts the command-line tool shows about a connection. Empty
// fields were not present in the tokens.
//
// They are decoded WITHOUT verifying any signature and are for display only: nothing
// in the client decides anything from them. Verifying tokens is the server's job, and
// the ID token was received directly from the token endpoint over TLS.
type Claims struct {
	Subject  string `json:"sub"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	OrgID    string `json:"org_id"`
	OrgRole  string `json:"org_role"`
	TenantID string `json:"tenant_id"`
	DeviceID string `json:"device_id"`
}

// Claims decodes e's access token and ID token for display (see [Claims]). Values from
// the access token win, because it is the one renewed on every refresh; the ID token
// fills in what the access token lacks. Tokens that are not JWTs contribute nothing.
func (e *Entry) Claims() Claims {
	c := decodeClaims(e.AccessToken)
	id := decodeClaims(e.IDToken)
	fill := func(dst *string, src string) {
		if *dst == "" {
			*dst = src
		}
	}
	fill(&c.Subject, id.Subject)
	fill(&c.Email, id.Email)
	fill(&c.Name, id.Name)
	fill(&c.OrgID, id.OrgID)
	fill(&c.OrgRole, id.OrgRole)
	fill(&c.TenantID, id.TenantID)
	fill(&c.DeviceID, id.DeviceID)
	return c
}

// decodeClaims reads the payload of a JWS compact serialization (RFC 7515 §7.1) without
// checking its signature. Anything else yields empty Claims.
func decodeClaims(token string) Claims {
	var c Claims
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return c
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return c
	}
	_ = json.Unmarshal(payload, &c) // display only: a malformed payload shows nothing
	return c
}
