package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gatehouse-auth/gatehouse/cmd/gatehouse/internal/mgmt"
)

// newMemberCmd returns `gatehouse member`: list, invite, re-role and remove the members
// of an organization.
func newMemberCmd() *cobra.Command {
	var f mgmtFlags
	group := &cobra.Command{
		Use:   "member",
		Short: "List, add, change the role of and remove an organization's members",
		Long: `List, add, change the role of and remove an organization's members.

Roles are admin, editor and viewer. Adding a member emails them an invitation;
they become a member when they accept it. A member is named by user id or email.`,
	}
	addMgmtFlags(group, &f)
	addOrgFlag(group, &f, true, orgFlagUsage)

	var email, role string
	add := &cobra.Command{
		Use:   "add --email EMAIL --role ROLE",
		Short: "Invite someone into the organization by email",
		Args:  cobra.NoArgs,
		RunE: mgmtRun(&f, func(ctx context.Context, s *mgmtSession, _ []string) error {
			o, err := s.org(ctx)
			if err != nil {
				return err
			}
			inv, err := s.api.AddMember(ctx, o.ID, email, role)
			if err != nil {
				return err
			}
			return s.out.Invited(inv, false)
		}),
	}
	add.Flags().StringVar(&email, "email", "", "email address to invite")
	add.Flags().StringVar(&role, "role", "", "role once accepted: admin, editor or viewer")
	_ = add.MarkFlagRequired("email")
	_ = add.MarkFlagRequired("role")

	var newRole string
	setRole := &cobra.Command{
		Use:   "set-role (USER_ID|EMAIL) --role ROLE",
		Short: "Change a member's role",
		Args:  cobra.ExactArgs(1),
		RunE: mgmtRun(&f, func(ctx context.Context, s *mgmtSession, args []string) error {
			o, m, err := resolveMember(ctx, s, args[0])
			if err != nil {
				return err
			}
			changed, err := s.api.SetMemberRole(ctx, o.ID, m.UserID, newRole)
			if err != nil {
				return err
			}
			return s.out.Done(changed, fmt.Sprintf("%s is now %s in %s.", memberLabel(m),
				changed.Role, o.Name))
		}),
	}
	setRole.Flags().StringVar(&newRole, "role", "", "new role: admin, editor or viewer")
	_ = setRole.MarkFlagRequired("role")

	var yes bool
	remove := &cobra.Command{
		Use:   "remove (USER_ID|EMAIL) [-y]",
		Short: "Remove a member from the organization",
		Args:  cobra.ExactArgs(1),
		RunE: mgmtRun(&f, func(ctx context.Context, s *mgmtSession, args []string) error {
			o, m, err := resolveMember(ctx, s, args[0])
			if err != nil {
				return err
			}
			q := fmt.Sprintf("Remove %s (%s) from %s?", memberLabel(m), m.Role, orgLabel(o))
			ok, err := s.confirm(yes, q)
			if err != nil || !ok {
				return orDeclined(s, err)
			}
			if err := s.api.RemoveMember(ctx, o.ID, m.UserID); err != nil {
				return err
			}
			return s.out.Done(nil, fmt.Sprintf("Removed %s from %s.", memberLabel(m), o.Name))
		}),
	}
	addYesFlag(remove, &yes)

	group.AddCommand(
		&cobra.Command{
			Use:   "list",
			Short: "List the organization's members and their roles",
			Args:  cobra.NoArgs,
			RunE: mgmtRun(&f, func(ctx context.Context, s *mgmtSession, _ []string) error {
				o, err := s.org(ctx)
				if err != nil {
					return err
				}
				ms, err := s.api.Members(ctx, o.ID)
				if err != nil {
					return err
				}
				return s.out.Members(ms)
			}),
		},
		add,
		setRole,
		remove,
	)
	return group
}

// resolveMember finds the organization and, in it, the member ref names.
func resolveMember(ctx context.Context, s *mgmtSession, ref string) (*mgmt.Org, *mgmt.Member, error) {
	o, err := s.org(ctx)
	if err != nil {
		return nil, nil, err
	}
	m, err := s.api.ResolveMember(ctx, o.ID, ref)
	if err != nil {
		return nil, nil, err
	}
	return o, m, nil
}

// memberLabel names a member in messages: by email, else by user id.
func memberLabel(m *mgmt.Member) string {
	if m.Email != "" {
		return m.Email
	}
	return m.UserID
}
