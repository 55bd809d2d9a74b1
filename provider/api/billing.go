package api

import (
	"net/http"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// billingView is an organization's billing record, and the body of PUT.
type billingView struct {
	Plan         string `json:"plan"`
	BillingEmail string `json:"billing_email"`
}

// getBilling serves GET /api/v1/orgs/{org}/billing (billing:manage).
func (a *API) getBilling(w http.ResponseWriter, r *http.Request, c *caller) error {
	b, err := a.store.Billing(r.Context(), c.orgID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, billingView{Plan: b.Plan, BillingEmail: b.BillingEmail})
	return nil
}

// setBilling serves PUT /api/v1/orgs/{org}/billing (billing:manage): the whole
// record. An empty billing_email means none.
func (a *API) setBilling(w http.ResponseWriter, r *http.Request, c *caller) error {
	ctx := r.Context()

	var in billingView
	if err := decode(w, r, &in); err != nil {
		return err
	}
	plan, err := parsePlan(in.Plan)
	if err != nil {
		return err
	}
	email, err := parseEmail("billing_email", in.BillingEmail, true)
	if err != nil {
		return err
	}

	b := storage.Billing{Plan: plan, BillingEmail: email}
	if err := a.store.SetBilling(ctx, c.orgID, b); err != nil {
		return err
	}

	// The detail is the plan; the billing email stays out of the trail.
	a.auditOrg(r, c, storage.AuditBillingChanged, c.orgID, c.orgID, plan)
	a.log.InfoContext(ctx, "billing changed", "org_id", c.orgID, "plan", plan, "user_id", c.userID)
	writeJSON(w, http.StatusOK, billingView{Plan: b.Plan, BillingEmail: b.BillingEmail})
	return nil
}
