package mgmt

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// AuditEvent is one entry of the audit trail: who (ActorID) did what (Type, such as
// device.locked) when, in which organization, to which device or member (TargetID),
// from where. Fields that do not apply are "".
type AuditEvent struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	Time      time.Time `json:"time"`
	ActorID   string    `json:"actor_id"`
	OrgID     string    `json:"org_id"`
	DeviceID  string    `json:"device_id"`
	TargetID  string    `json:"target_id"`
	IPAddress string    `json:"ip_address"`
	Detail    string    `json:"detail"`
}

// AuditQuery selects audit events. The zero value asks for the server's default.
type AuditQuery struct {
	// Org is the organization id whose events to list; empty for the caller's own.
	Org string
	// Limit is the most events to return; 0 leaves it to the server.
	Limit int
}

// Audit returns the audit events q selects, in the order the server sends them.
func (c *Client) Audit(ctx context.Context, q AuditQuery) ([]AuditEvent, error) {
	query := url.Values{}
	kind := KindOther
	if q.Org != "" {
		query.Set("org", q.Org)
		kind = KindOrg
	}
	if q.Limit > 0 {
		query.Set("limit", strconv.Itoa(q.Limit))
	}

	var out struct {
		Events []AuditEvent `json:"events"`
	}
	err := c.do(ctx, request{method: http.MethodGet, path: "/audit", query: query, kind: kind,
		out: &out})
	if err != nil {
		return nil, err
	}
	return nonNil(out.Events), nil
}
