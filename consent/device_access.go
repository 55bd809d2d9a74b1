package consent

import (
	"context"
	"errors"

	"github.com/ory/fosite"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// accessAsked is what approving a device request would grant, as the confirmation page
// says it; every text is cleaned for display (visible, shown).
type accessAsked struct {
	// Own is set when the device asked for Gatehouse's own API: no resource.
	Own bool
	// Resource is the tenant URL the device asked for (RFC 8707) otherwise.
	Resource string
	// TenantName and OrgName name the tenant of Resource and its organization; both
	// are "" when Resource is no tenant (any more).
	TenantName, OrgName string
	// Role is the signed-in person's role in the organization, "" when they are none.
	Role string
	// NoTenant and NotMember say why the person cannot approve: Resource is no tenant
	// (any more), or they are not a member of its organization.
	NoTenant, NotMember bool
}

// CanApprove reports whether the page offers Approve; otherwise it offers only Deny.
func (a accessAsked) CanApprove() bool { return !a.NoTenant && !a.NotMember }

// accessFor finds out what req asks for and whether user may approve it. RFC 8628 §5.4:
// a phished code names someone else's device and, often, someone else's tenant; the
// page says which before the person decides. The page offers Approve only to a member
// of the tenant's organization; Config.Authorize still decides when Approve is pressed.
// An error is a storage failure.
func (h *Handler) accessFor(ctx context.Context, user *storage.User, req *storage.DeviceRequest) (
	accessAsked, error) {
	if len(req.Resource) == 0 {
		return accessAsked{Own: true}, nil
	}
	a := accessAsked{Resource: visible(req.Resource[0])}

	// Load the tenant and its organization; either may have been deleted since the
	// device asked.
	t, err := h.store.TenantByURL(ctx, req.Resource[0])
	var org *storage.Organization
	if err == nil {
		org, err = h.store.Organization(ctx, t.OrgID)
	}
	if errors.Is(err, fosite.ErrNotFound) {
		a.NoTenant = true
		return a, nil
	}
	if err != nil {
		return accessAsked{}, err
	}
	a.TenantName, a.OrgName = shown(t.Name), shown(org.Name)

	// Check the membership that Authorize will ask for.
	role, err := h.store.Role(ctx, t.OrgID, user.ID)
	if errors.Is(err, storage.ErrNotMember) {
		a.NotMember = true
		return a, nil
	}
	if err != nil {
		return accessAsked{}, err
	}
	a.Role = string(role)
	return a, nil
}
