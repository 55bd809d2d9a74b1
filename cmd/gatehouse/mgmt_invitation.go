package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

// newInvitationCmd returns `gatehouse invitation`: list, resend and revoke the
// invitations of an organization.
func newInvitationCmd() *cobra.Command {
	var f mgmtFlags
	group := &cobra.Command{
		Use:   "invitation",
		Short: "List, resend and revoke an organization's invitations",
	}
	addMgmtFlags(group, &f)
	addOrgFlag(group, &f, true, orgFlagUsage)

	group.AddCommand(
		&cobra.Command{
			Use:   "list",
			Short: "List the organization's invitations",
			Args:  cobra.NoArgs,
			RunE: mgmtRun(&f, func(ctx context.Context, s *mgmtSession, _ []string) error {
				o, err := s.org(ctx)
				if err != nil {
					return err
				}
				invs, err := s.api.Invitations(ctx, o.ID)
				if err != nil {
					return err
				}
				return s.out.Invitations(invs)
			}),
		},
		&cobra.Command{
			Use:   "resend ID",
			Short: "Email a pending invitation again",
			Args:  cobra.ExactArgs(1),
			RunE: mgmtRun(&f, func(ctx context.Context, s *mgmtSession, args []string) error {
				o, err := s.org(ctx)
				if err != nil {
					return err
				}
				inv, err := s.api.ResendInvitation(ctx, o.ID, args[0])
				if err != nil {
					return err
				}
				return s.out.Invited(inv, true)
			}),
		},
		&cobra.Command{
			Use:   "revoke ID",
			Short: "Revoke a pending invitation: its link stops working",
			Args:  cobra.ExactArgs(1),
			RunE: mgmtRun(&f, func(ctx context.Context, s *mgmtSession, args []string) error {
				o, err := s.org(ctx)
				if err != nil {
					return err
				}
				if err := s.api.RevokeInvitation(ctx, o.ID, args[0]); err != nil {
					return err
				}
				return s.out.Done(nil, fmt.Sprintf("Revoked invitation %s; its link no longer works.",
					args[0]))
			}),
		},
	)
	return group
}
