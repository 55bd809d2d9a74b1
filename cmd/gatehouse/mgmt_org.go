package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gatehouse-auth/gatehouse/cmd/gatehouse/internal/mgmt"
)

// newOrgCmd returns `gatehouse org`: create, list, show and delete organizations.
func newOrgCmd() *cobra.Command {
	var f mgmtFlags
	group := &cobra.Command{
		Use:   "org",
		Short: "Create, list, show and delete organizations",
		Long: `Create, list, show and delete organizations.

Management commands use the stored connection to Gatehouse itself (made with
gatehouse connect --url GATEHOUSE_URL); choose one with --server when there are
several. An organization is named by its id or its exact name.`,
	}
	addMgmtFlags(group, &f)

	var yes bool
	del := &cobra.Command{
		Use:   "delete ORG [-y]",
		Short: "Delete an organization with its members, tenants, invitations and billing",
		Args:  cobra.ExactArgs(1),
		RunE: mgmtRun(&f, func(ctx context.Context, s *mgmtSession, args []string) error {
			return runOrgDelete(ctx, s, args[0], yes)
		}),
	}
	addYesFlag(del, &yes)

	group.AddCommand(
		&cobra.Command{
			Use:   "create NAME",
			Short: "Create an organization; you become its admin",
			Args:  cobra.ExactArgs(1),
			RunE: mgmtRun(&f, func(ctx context.Context, s *mgmtSession, args []string) error {
				o, err := s.api.CreateOrg(ctx, args[0])
				if err != nil {
					return err
				}
				return s.out.CreatedOrg(o)
			}),
		},
		&cobra.Command{
			Use:   "list",
			Short: "List your organizations and your role in each",
			Args:  cobra.NoArgs,
			RunE: mgmtRun(&f, func(ctx context.Context, s *mgmtSession, _ []string) error {
				orgs, err := s.api.Orgs(ctx)
				if err != nil {
					return err
				}
				return s.out.Orgs(orgs)
			}),
		},
		&cobra.Command{
			Use:   "show [ORG]",
			Short: "Show an organization (default: your only one)",
			Args:  cobra.MaximumNArgs(1),
			RunE: mgmtRun(&f, func(ctx context.Context, s *mgmtSession, args []string) error {
				ref := ""
				if len(args) == 1 {
					ref = args[0]
				}
				o, err := s.api.ResolveOrg(ctx, ref)
				if err != nil {
					return err
				}
				detail, err := s.api.Org(ctx, o.ID)
				if err != nil {
					return err
				}
				return s.out.OrgDetail(detail)
			}),
		},
		del,
	)
	return group
}

// runOrgDelete deletes the organization ref names once the user confirms.
func runOrgDelete(ctx context.Context, s *mgmtSession, ref string, yes bool) error {
	o, err := s.api.ResolveOrg(ctx, ref)
	if err != nil {
		return err
	}
	detail, err := s.api.Org(ctx, o.ID)
	if err != nil {
		return err
	}

	q := fmt.Sprintf("Delete organization %s (%s) with its %s and %s? This cannot be undone.",
		o.Name, o.ID, plural(detail.MemberCount, "member"), plural(detail.TenantCount, "tenant"))
	ok, err := s.confirm(yes, q)
	if err != nil || !ok {
		return orDeclined(s, err)
	}

	if err := s.api.DeleteOrg(ctx, o.ID); err != nil {
		return err
	}
	return s.out.Done(nil, fmt.Sprintf("Deleted organization %s (%s).", o.Name, o.ID))
}

// orDeclined returns err, or reports that nothing was done when the user said no.
func orDeclined(s *mgmtSession, err error) error {
	if err != nil {
		return err
	}
	return s.declined()
}

// plural is "1 member", "2 members".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// orgLabel names an organization in messages.
func orgLabel(o *mgmt.Org) string { return o.Name + " (" + o.ID + ")" }
