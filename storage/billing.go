package storage

import (
	"context"
	"fmt"

	"github.com/ory/fosite"
)

// Billing is an organization's subscription record, visible to admins only.
type Billing struct {
	Plan         string `json:"plan"`
	BillingEmail string `json:"billing_email"`
}

// Billing loads an organization's billing record; a new organization is on "free".
func (s *Store) Billing(ctx context.Context, orgID string) (*Billing, error) {
	vals, err := s.rdb.HMGet(ctx, keyBilling+orgID, "plan", "billing_email").Result()
	if err != nil {
		return nil, fmt.Errorf("storage: load billing: %w", err)
	}
	b := &Billing{Plan: "free"}
	if v, _ := vals[0].(string); v != "" {
		b.Plan = v
	}
	b.BillingEmail, _ = vals[1].(string)
	return b, nil
}

// SetBilling replaces an organization's billing record.
func (s *Store) SetBilling(ctx context.Context, orgID string, b Billing) error {
	ok, err := s.hsetIfExists(ctx, keyOrg+orgID, keyBilling+orgID, "plan", b.Plan, "billing_email", b.BillingEmail)
	if err != nil {
		return fmt.Errorf("storage: set billing: %w", err)
	}
	if !ok {
		return fosite.ErrNotFound
	}
	return nil
}
