package mgmt

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gatehouse-auth/gatehouse/cmd/gatehouse/internal/client"
)

// Message returns the one-line sentence a user sees for err, and false when err is not
// one this package knows; the caller then explains it some other way.
func Message(err error) (string, bool) {
	var (
		apiErr  *APIError
		refErr  *RefError
		choose  *ChooseError
		noConn  *NoConnectionError
		tenant  *TenantConnectionError
		tranErr *TransportError
		format  *FormatError
	)
	switch {
	case err == nil:
		return "", false
	case errors.Is(err, context.Canceled):
		return "Cancelled.", true
	case errors.As(err, &apiErr):
		return apiMessage(apiErr), true
	case errors.As(err, &noConn):
		return notConnectedMessage(noConn.Issuer), true
	case errors.As(err, &tenant):
		return fmt.Sprintf("%s is a tenant's connection; management commands need the "+
			"Gatehouse connection: %s", tenant.URL, connectHint(tenant.Issuer)), true
	case errors.As(err, &tranErr) && (errors.Is(err, client.ErrNotConnected) ||
		errors.Is(err, client.ErrSessionEnded)):
		return notConnectedMessage(tranErr.Server), true
	case errors.Is(err, client.ErrNotConnected), errors.Is(err, client.ErrSessionEnded):
		return notConnectedMessage(""), true
	case errors.As(err, &refErr):
		return refMessage(refErr), true
	case errors.Is(err, ErrNoTerminal):
		return "Refusing to go on without confirmation: stdin is not a terminal; pass -y to confirm.", true
	case errors.Is(err, ErrNoOrg):
		return "You are not a member of any organization; create one with: gatehouse org create NAME", true
	case errors.As(err, &choose):
		return fmt.Sprintf("There are %d %s (%s); choose one with %s.", len(choose.Options),
			choose.What, strings.Join(choose.Options, ", "), choose.Flag), true
	case errors.Is(err, context.DeadlineExceeded):
		return "Gatehouse did not answer in time; retry shortly.", true
	case errors.As(err, &tranErr):
		return fmt.Sprintf("Could not reach Gatehouse at %s: %s.", tranErr.Server,
			strings.TrimSuffix(tranErr.Err.Error(), ".")), true
	case errors.As(err, &format):
		return fmt.Sprintf("Unknown output format %q; use -o table or -o json.", format.Value), true
	}

	// Any other error of this package, such as an answer that is not JSON.
	if rest, ok := strings.CutPrefix(err.Error(), "mgmt: "); ok {
		r, size := utf8.DecodeRuneInString(rest)
		return string(unicode.ToUpper(r)) + rest[size:] + ".", true
	}
	return "", false
}

// noSuchOrgMessage answers for an organization that does not exist or that the user is
// not a member of: the API does not tell the two apart.
const noSuchOrgMessage = "No such organization (or you are not a member)."

// notConnectedMessage answers for a missing, ended or refused Gatehouse session; server
// is the Gatehouse to connect to, or empty when it is not known.
func notConnectedMessage(server string) string {
	return "Not connected to Gatehouse or the session ended: " + connectHint(server)
}

// apiMessage explains an error answer of the API.
func apiMessage(e *APIError) string {
	switch e.Status {
	case http.StatusBadRequest:
		if e.Description != "" {
			return "Gatehouse refused the request: " + e.Description
		}
		return "Gatehouse refused the request as malformed."

	case http.StatusUnauthorized:
		return notConnectedMessage(e.Server)

	case http.StatusForbidden:
		if e.Permission != "" {
			return "Refused: you need the " + e.Permission + " permission."
		}
		if e.Description != "" {
			return "Refused: " + e.Description
		}
		return "Refused: your role in the organization does not allow this."

	case http.StatusNotFound:
		return notFoundMessage(e)

	case http.StatusConflict:
		switch {
		case e.Description != "":
			return e.Description
		case e.Code == CodeLastAdmin:
			return "The organization's last admin cannot be demoted or removed; make someone else admin first."
		}
		return "The request conflicts with the current state; nothing was changed."

	case http.StatusMethodNotAllowed:
		return "This Gatehouse does not offer that request (HTTP 405); it may be older than this gatehouse command."

	case http.StatusServiceUnavailable:
		if e.RetryAfter != "" && strings.Trim(e.RetryAfter, "0123456789") == "" {
			return "Gatehouse is temporarily unavailable; retry in " + e.RetryAfter + " seconds."
		}
		return "Gatehouse is temporarily unavailable; retry shortly."
	}

	if e.Status >= 500 {
		return fmt.Sprintf("Gatehouse failed to handle the request (HTTP %d); retry later, or tell "+
			"its operator if it keeps failing.", e.Status)
	}
	if e.Description != "" {
		return fmt.Sprintf("Gatehouse answered HTTP %d: %s", e.Status, e.Description)
	}
	return fmt.Sprintf("Gatehouse answered HTTP %d.", e.Status)
}

// notFoundMessage explains a 404 by what the path named. An organization one is not a
// member of answers 404 exactly like one that does not exist.
func notFoundMessage(e *APIError) string {
	switch {
	case strings.HasPrefix(e.Description, "No such endpoint"):
		return "This Gatehouse does not offer that API (no such endpoint); it may be older than " +
			"this gatehouse command."
	case e.Kind == KindOrg || strings.HasPrefix(e.Description, "Organization"):
		return noSuchOrgMessage
	case e.Kind == KindDevice:
		return "No such authorized device."
	case e.Kind != KindOther:
		return "No such " + string(e.Kind) + " in the organization."
	case e.Description != "":
		return "Not found: " + e.Description
	}
	return "Not found."
}

// refMessage explains a name or id that matched nothing or several things.
func refMessage(e *RefError) string {
	if len(e.Matches) > 1 {
		return fmt.Sprintf("Several %ss are named %q; use the id, one of: %s.", e.Kind, e.Ref,
			strings.Join(e.Matches, ", "))
	}
	if e.Kind == KindOrg {
		return noSuchOrgMessage
	}
	return fmt.Sprintf("No %s %q in the organization.", e.Kind, e.Ref)
}
