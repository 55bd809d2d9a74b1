package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gatehouse-auth/gatehouse/rbac"
	"github.com/gatehouse-auth/gatehouse/storage"
)

// Bounds of GET /audit?limit=.
const (
	defaultAuditLimit = 100
	maxAuditLimit     = 1000
)

// permOrgAudit is what reading an organization's audit trail needs. The trail shows
// who changed whose role and who locked whose device, which is the admins' business;
// admins:manage is the permission only admins hold that covers that.
const permOrgAudit = rbac.PermManageAdmins

// auditView is one audit event as the API shows it: every field present, "" when it
// does not apply, the time in UTC.
type auditView struct {
	ID       string    `json:"id"`
	Type     string    `json:"type"`
	Time     time.Time `json:"time"`
	ActorID  string    `json:"actor_id"`
	OrgID    string    `json:"org_id"`
	DeviceID string    `json:"device_id"`
	TargetID string    `json:"target_id"`
	IP       string    `json:"ip_address"`
	Detail   string    `json:"detail"`
}

// listAudit serves GET /api/v1/audit: newest first, at most ?limit= events (100 by
// default, 1000 at most). With ?org=, the events of that organization, for a member
// whose role holds admins:manage; without, the caller's own: the ones they did, and
// the ones about their devices.
//
// TODO: the store looks at the newest 5000 events of the whole trail only, so an old
// event of a quiet organization or person is not found even within the 90 days kept;
// per-organization and per-user indexes of the trail would be needed.
func (a *API) listAudit(w http.ResponseWriter, r *http.Request, c *caller) error {
	ctx := r.Context()
	q := r.URL.Query()

	limit, err := parseLimit(q.Get("limit"), defaultAuditLimit, maxAuditLimit)
	if err != nil {
		return err
	}
	var keep func(*storage.AuditEvent) bool
	switch org := q.Get("org"); {
	case q.Has("org") && org == "":
		return badRequest("org", "The parameter org must be an organization id; leave it out for your own events.")
	case org != "":
		keep, err = a.orgAuditFilter(ctx, c, org)
	default:
		keep, err = a.ownAuditFilter(ctx, c)
	}
	if err != nil {
		return err
	}

	events, err := a.store.AuditEvents(ctx, limit, keep)
	if err != nil {
		return err
	}
	out := make([]auditView, 0, len(events))
	for _, ev := range events {
		out = append(out, auditView{ID: ev.ID, Type: ev.Type, Time: ev.Time.UTC(), ActorID: ev.ActorID,
			OrgID: ev.OrgID, DeviceID: ev.DeviceID, TargetID: ev.TargetID, IP: ev.IP, Detail: ev.Detail})
	}
	writeJSON(w, http.StatusOK, map[string][]auditView{"events": out})
	return nil
}

// orgAuditFilter keeps the events of org, once the caller is found to be a member
// whose role holds permOrgAudit. Not being a member is 404, as on the org routes.
func (a *API) orgAuditFilter(ctx context.Context, c *caller, org string) (func(*storage.AuditEvent) bool, error) {
	role, err := a.store.Role(ctx, org, c.userID)
	if errors.Is(err, storage.ErrNotMember) {
		return nil, notFound("Organization")
	}
	if err != nil {
		return nil, err
	}
	c.orgID, c.role = org, role
	if !role.Can(permOrgAudit) {
		return nil, &rbac.PermissionError{Permission: permOrgAudit}
	}
	return func(ev *storage.AuditEvent) bool { return ev.OrgID == org }, nil
}

// ownAuditFilter keeps the events the caller did and those about one of their
// devices: a device they still have, or one whose event names them as its owner (the
// target), which covers devices since deleted.
func (a *API) ownAuditFilter(ctx context.Context, c *caller) (func(*storage.AuditEvent) bool, error) {
	devs, err := a.store.UserDevices(ctx, c.userID)
	if err != nil {
		return nil, err
	}
	own := make(map[string]bool, len(devs))
	for _, d := range devs {
		own[d.ID] = true
	}
	return func(ev *storage.AuditEvent) bool {
		return ev.ActorID == c.userID || own[ev.DeviceID] || (ev.DeviceID != "" && ev.TargetID == c.userID)
	}, nil
}

// audit records ev, a change the caller made: the caller is its actor and the
// request's address its IP. Its detail must never carry a secret: no client secret,
// no invitation token.
func (a *API) audit(r *http.Request, c *caller, ev storage.AuditEvent) {
	ev.ActorID, ev.IP = c.userID, remoteIP(r)
	a.p.Audit(r.Context(), ev)
}

// auditOrg records a change the caller made to organization org or to something it
// holds (a membership, a tenant, an invitation, its billing), named by target.
func (a *API) auditOrg(r *http.Request, c *caller, typ, org, target, detail string) {
	a.audit(r, c, storage.AuditEvent{Type: typ, OrgID: org, TargetID: target, Detail: detail})
}
