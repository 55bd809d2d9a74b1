package api

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/gatehouse-auth/gatehouse/rbac"
)

// Paths of the management API, relative to the issuer. {org}, {user_id}, {id} and
// {tenant} are ids; a device's {id} may also be a unique prefix of one.
const (
	PathPrefix           = "/api/v1"
	PathOpenAPI          = PathPrefix + "/openapi.yaml"
	PathMe               = PathPrefix + "/me"
	PathOrgs             = PathPrefix + "/orgs"
	PathOrg              = PathOrgs + "/{org}"
	PathMembers          = PathOrg + "/members"
	PathMember           = PathMembers + "/{user_id}"
	PathInvitations      = PathOrg + "/invitations"
	PathInvitation       = PathInvitations + "/{id}"
	PathInvitationResend = PathInvitation + "/resend"
	PathTenants          = PathOrg + "/tenants"
	PathTenant           = PathTenants + "/{tenant}"
	PathBilling          = PathOrg + "/billing"
	PathDevices          = PathPrefix + "/devices"
	PathDevice           = PathDevices + "/{id}"
	PathDeviceLock       = PathDevice + "/lock"
	PathDeviceUnlock     = PathDevice + "/unlock"
	PathOrgDevices       = PathOrg + "/devices"
	PathOrgDeviceLock    = PathOrgDevices + "/{id}/lock"
	PathOrgDeviceUnlock  = PathOrgDevices + "/{id}/unlock"
	PathAudit            = PathPrefix + "/audit"
)

// PathAcceptInvitation is the page an invitation email links to, with ?token=; the
// consent package serves it.
const PathAcceptInvitation = "/invitations/accept"

// ruleDecides marks a route whose handler asks one of rbac's rules instead of
// needing one fixed permission.
const ruleDecides rbac.Permission = ""

// route is one method of one path.
type route struct {
	method, path string
	h            http.Handler
}

// routes is every endpoint with its method and the permission it needs, in one place.
func (a *API) routes() []route {
	return []route{
		{http.MethodGet, PathOpenAPI, http.HandlerFunc(a.openAPI)},
		{http.MethodGet, PathMe, a.signedIn(a.me)},
		{http.MethodGet, PathOrgs, a.signedIn(a.listOrgs)},
		{http.MethodPost, PathOrgs, a.signedIn(a.createOrg)},
		{http.MethodGet, PathOrg, a.inOrg(rbac.PermViewOrg, a.getOrg)},
		{http.MethodDelete, PathOrg, a.inOrg(rbac.PermDeleteOrg, a.deleteOrg)},

		{http.MethodGet, PathMembers, a.inOrg(rbac.PermViewOrg, a.listMembers)},
		// Adding a member invites them; rbac.CheckInvite adds admins:manage for admins.
		{http.MethodPost, PathMembers, a.inOrg(rbac.PermManageMembers, a.inviteMember)},
		{http.MethodPatch, PathMember, a.inOrg(ruleDecides, a.changeMember)},
		{http.MethodDelete, PathMember, a.inOrg(ruleDecides, a.removeMember)},

		{http.MethodGet, PathInvitations, a.inOrg(rbac.PermManageMembers, a.listInvitations)},
		{http.MethodPost, PathInvitationResend, a.inOrg(rbac.PermManageMembers, a.resendInvitation)},
		{http.MethodDelete, PathInvitation, a.inOrg(rbac.PermManageMembers, a.revokeInvitation)},

		{http.MethodGet, PathTenants, a.inOrg(rbac.PermViewOrg, a.listTenants)},
		{http.MethodPost, PathTenants, a.inOrg(rbac.PermManageTenants, a.createTenant)},
		{http.MethodPatch, PathTenant, a.inOrg(rbac.PermManageTenants, a.renameTenant)},
		{http.MethodDelete, PathTenant, a.inOrg(rbac.PermManageTenants, a.deleteTenant)},

		{http.MethodGet, PathBilling, a.inOrg(rbac.PermBilling, a.getBilling)},
		{http.MethodPut, PathBilling, a.inOrg(rbac.PermBilling, a.setBilling)},

		// The caller's own devices; someone else's answer 404, like an unknown id.
		{http.MethodGet, PathDevices, a.signedIn(a.listDevices)},
		{http.MethodGet, PathDevice, a.signedIn(a.getDevice)},
		{http.MethodDelete, PathDevice, a.signedIn(a.deleteDevice)},
		{http.MethodPost, PathDeviceLock, a.signedIn(a.lockDevice)},
		{http.MethodPost, PathDeviceUnlock, a.signedIn(a.unlockDevice)},

		{http.MethodGet, PathOrgDevices, a.inOrg(rbac.PermManageDevices, a.listOrgDevices)},
		{http.MethodPost, PathOrgDeviceLock, a.inOrg(rbac.PermManageDevices, a.lockOrgDevice)},
		{http.MethodPost, PathOrgDeviceUnlock, a.inOrg(rbac.PermManageDevices, a.unlockOrgDevice)},

		// With ?org=, the organization's trail, for its admins (admins:manage); without,
		// the caller's own.
		{http.MethodGet, PathAudit, a.signedIn(a.listAudit)},
	}
}

// Routes registers the API on r. A known path with another method gets 405 with an
// Allow header; an unknown path under /api/v1/ gets a JSON 404.
func (a *API) Routes(r *mux.Router) {
	allowed := map[string][]string{}
	var paths []string
	for _, rt := range a.routes() {
		r.Handle(rt.path, rt.h).Methods(rt.method)
		if allowed[rt.path] == nil {
			paths = append(paths, rt.path)
		}
		allowed[rt.path] = append(allowed[rt.path], rt.method)
	}
	for _, p := range paths {
		r.Handle(p, a.methodNotAllowed(strings.Join(allowed[p], ", ")))
	}
	r.PathPrefix(PathPrefix + "/").Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.writeError(w, r, nil, &problem{rfc: errNotFound.WithDescription(
			"No such endpoint; the API is described at " + PathOpenAPI + ".")})
	}))
}

// methodNotAllowed answers 405 with the path's methods (RFC 9110 §15.5.6).
func (a *API) methodNotAllowed(allow string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		a.writeError(w, r, nil, &problem{rfc: errMethodNotAllowed.WithDescription(
			"This path takes " + allow + ".")})
	})
}
