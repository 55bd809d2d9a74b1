package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/ory/fosite"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// ErrNotOrgMember refuses an approval for a tenant of an organization the person does
// not belong to.
var ErrNotOrgMember = errors.New("you are not a member of the organization that owns this tenant")

// storeResources resolves RFC 8707 resource indicators to the tenants in the store.
type storeResources struct{ store *storage.Store }

// ResolveResource implements ResourceResolver.
func (s storeResources) ResolveResource(ctx context.Context, uri string) (*Resource, error) {
	t, err := s.store.TenantByURL(ctx, uri)
	if err != nil {
		return nil, err
	}
	return &Resource{URI: t.URL, TenantID: t.ID, OrgID: t.OrgID}, nil
}

// ApprovalFor decides whether user may approve the device request and fills in what
// the grant carries. A request without a resource is for Gatehouse's own API, which any
// signed-in person may use; one for a tenant needs membership of its organization, and
// the grant carries the organization, the role and the tenant.
func (p *Provider) ApprovalFor(ctx context.Context, user *storage.User, req *storage.DeviceRequest) (storage.Approval, error) {
	if len(req.Resource) == 0 {
		return storage.Approval{}, nil
	}
	res, err := p.cfg.Resources.ResolveResource(ctx, req.Resource[0])
	if errors.Is(err, fosite.ErrNotFound) {
		return storage.Approval{}, fmt.Errorf("the tenant this device asked for no longer exists: %w", ErrNotOrgMember)
	}
	if err != nil {
		return storage.Approval{}, err
	}
	role, err := p.store.Role(ctx, res.OrgID, user.ID)
	if errors.Is(err, storage.ErrNotMember) {
		return storage.Approval{}, ErrNotOrgMember
	}
	if err != nil {
		return storage.Approval{}, err
	}
	return storage.Approval{OrgID: res.OrgID, OrgRole: string(role), TenantID: res.TenantID}, nil
}

// refreshMembership re-reads the person's role in the grant's organization, so that
// role changes and removals take effect at the next refresh.
func (p *Provider) refreshMembership(ctx context.Context, sess *Session) error {
	if sess.OrgID == "" {
		return nil
	}
	role, err := p.store.Role(ctx, sess.OrgID, sess.Subject)
	if errors.Is(err, storage.ErrNotMember) {
		// The grant ends for good: rejoining later must not revive this token.
		if err := p.store.DeleteDevice(ctx, sess.DeviceID); err != nil && !errors.Is(err, fosite.ErrNotFound) {
			return fosite.ErrServerError.WithWrap(err)
		}
		return fosite.ErrInvalidGrant.WithHint("You are no longer a member of the organization that owns this tenant.")
	}
	if err != nil {
		return fosite.ErrServerError.WithWrap(err)
	}
	if sess.TenantID != "" {
		if _, err := p.store.Tenant(ctx, sess.TenantID); errors.Is(err, fosite.ErrNotFound) {
			return fosite.ErrInvalidGrant.WithHint("The tenant of this grant was deleted.")
		} else if err != nil {
			return fosite.ErrServerError.WithWrap(err)
		}
	}
	sess.OrgRole = string(role)
	return nil
}
