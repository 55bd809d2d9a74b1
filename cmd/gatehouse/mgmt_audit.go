package main

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/gatehouse-auth/gatehouse/cmd/gatehouse/internal/mgmt"
)

// newAuditCmd returns `gatehouse audit`: read the audit trail.
func newAuditCmd() *cobra.Command {
	var f mgmtFlags
	group := &cobra.Command{
		Use:   "audit",
		Short: "Read the audit trail: device approvals, locks, deletions, role changes",
	}
	addMgmtFlags(group, &f)

	var limit int
	list := &cobra.Command{
		Use:   "list [--org ORG] [--limit N]",
		Short: "List audit events, yours or an organization's",
		Args:  cobra.NoArgs,
		RunE: mgmtRun(&f, func(ctx context.Context, s *mgmtSession, _ []string) error {
			if limit < 0 {
				return errors.New("--limit must be a positive number.")
			}
			q := mgmt.AuditQuery{Limit: limit}
			o, err := s.orgIfSet(ctx)
			if err != nil {
				return err
			}
			if o != nil {
				q.Org = o.ID
			}
			events, err := s.api.Audit(ctx, q)
			if err != nil {
				return err
			}
			return s.out.AuditEvents(events)
		}),
	}
	addOrgFlag(list, &f, false, "list this organization's events (id or exact name)")
	list.Flags().IntVar(&limit, "limit", 0, "most events to list (default: the server's)")

	group.AddCommand(list)
	return group
}
