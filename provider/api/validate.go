package api

import (
	netmail "net/mail"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gatehouse-auth/gatehouse/rbac"
)

// maxNameRunes bounds organization and tenant names.
const maxNameRunes = 100

// maxEmailBytes is the longest address SMTP can carry (RFC 5321 §4.5.3.1.3).
const maxEmailBytes = 254

// plans are the billing plans an organization can be on.
var plans = []string{"free", "team", "enterprise"}

// parseName checks a display name: 1 to 100 characters once trimmed, and no control
// characters, which would break log lines and email headers.
func parseName(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", badRequest(field, "The field %s is required.", field)
	}
	if utf8.RuneCountInString(s) > maxNameRunes {
		return "", badRequest(field, "The field %s is longer than %d characters.", field, maxNameRunes)
	}
	if strings.ContainsFunc(s, unicode.IsControl) || !utf8.ValidString(s) {
		return "", badRequest(field, "The field %s holds control characters.", field)
	}
	return s, nil
}

// parseEmail checks a bare email address (no display name). An empty one is refused
// unless optional.
func parseEmail(field, s string, optional bool) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" && optional {
		return "", nil
	}
	if s == "" {
		return "", badRequest(field, "The field %s is required.", field)
	}
	addr, err := netmail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s || len(s) > maxEmailBytes {
		return "", badRequest(field, "The field %s is not an email address.", field)
	}
	return s, nil
}

// parseRole checks a role name: admin, editor or viewer, exactly.
func parseRole(s string) (rbac.Role, error) {
	if s == "" {
		return "", badRequest("role", "The field role is required.")
	}
	role, err := rbac.ParseRole(s)
	if err != nil {
		return "", badRequest("role", "The field role must be admin, editor or viewer.")
	}
	return role, nil
}

// parseTenantURL checks a tenant's URL, which becomes its RFC 8707 resource indicator
// and the aud of its tokens: an absolute http or https URL with a host and without a
// fragment (RFC 8707 §2), a query or credentials, so that it compares exactly.
func parseTenantURL(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", badRequest("url", "The field url is required.")
	}
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", badRequest("url", "The field url must be an absolute http or https URL.")
	}
	if u.Fragment != "" || strings.Contains(s, "#") {
		return "", badRequest("url", "The field url must not have a fragment.")
	}
	if u.RawQuery != "" || u.ForceQuery {
		return "", badRequest("url", "The field url must not have a query.")
	}
	if u.User != nil {
		return "", badRequest("url", "The field url must not carry credentials.")
	}

	// One resource, one spelling: tokens carry the URL as aud and tenants compare it
	// exactly, so a second spelling of the same address would be a second tenant.
	canonical := canonicalURL(u)
	if canonical != strings.TrimRight(s, "/") {
		return "", badRequest("url", "Write the url as %s.", canonical)
	}
	return canonical, nil
}

// canonicalURL writes u with a lower-case host, no default port, no "." or ".."
// segments and no trailing slash.
func canonicalURL(u *url.URL) string {
	host := strings.ToLower(u.Hostname())
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if p := u.Port(); p != "" && !(u.Scheme == "http" && p == "80") && !(u.Scheme == "https" && p == "443") {
		n, err := strconv.Atoi(p)
		if err == nil {
			host += ":" + strconv.Itoa(n)
		}
	}
	clean := path.Clean("/" + u.EscapedPath())
	if clean == "/" {
		clean = ""
	}
	return u.Scheme + "://" + host + clean
}

// parsePlan checks a billing plan.
func parsePlan(s string) (string, error) {
	if !slices.Contains(plans, s) {
		return "", badRequest("plan", "The field plan must be one of %s.", strings.Join(plans, ", "))
	}
	return s, nil
}

// parseLimit checks a limit query parameter: empty means def, anything else must be a
// whole number from 1 to most.
func parseLimit(s string, def, most int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > most {
		return 0, badRequest("limit", "The parameter limit must be a whole number from 1 to %d.", most)
	}
	return n, nil
}
