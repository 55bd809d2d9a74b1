package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gatehouse-auth/gatehouse/cmd/gatehouse/internal/mgmt"
)

// newTenantCmd returns `gatehouse tenant`: register, list, rename and delete the servers
// of an organization that take Gatehouse tokens.
func newTenantCmd() *cobra.Command {
	var f mgmtFlags
	group := &cobra.Command{
		Use:   "tenant",
		Short: "Register, list, rename and delete an organization's tenants",
		Long: `Register, list, rename and delete an organization's tenants: the servers
that accept Gatehouse tokens issued for their URL (RFC 8707). A tenant is named by
its id or its exact name.`,
	}
	addMgmtFlags(group, &f)
	addOrgFlag(group, &f, true, orgFlagUsage)

	var name, url string
	create := &cobra.Command{
		Use:   "create --name NAME --url URL",
		Short: "Register a tenant and print its client secret, once",
		Args:  cobra.NoArgs,
		RunE: mgmtRun(&f, func(ctx context.Context, s *mgmtSession, _ []string) error {
			o, err := s.org(ctx)
			if err != nil {
				return err
			}
			t, err := s.api.CreateTenant(ctx, o.ID, name, url)
			if err != nil {
				return err
			}
			return s.out.CreatedTenant(t)
		}),
	}
	create.Flags().StringVar(&name, "name", "", "tenant name")
	create.Flags().StringVar(&url, "url", "", "tenant URL: the resource its tokens are issued for")
	_ = create.MarkFlagRequired("name")
	_ = create.MarkFlagRequired("url")

	var newName string
	rename := &cobra.Command{
		Use:   "rename TENANT --name NAME",
		Short: "Rename a tenant",
		Args:  cobra.ExactArgs(1),
		RunE: mgmtRun(&f, func(ctx context.Context, s *mgmtSession, args []string) error {
			o, t, err := resolveTenant(ctx, s, args[0])
			if err != nil {
				return err
			}
			renamed, err := s.api.RenameTenant(ctx, o.ID, t.ID, newName)
			if err != nil {
				return err
			}
			return s.out.Done(renamed, fmt.Sprintf("Renamed tenant %s (%s) to %s.", t.Name, t.ID,
				renamed.Name))
		}),
	}
	rename.Flags().StringVar(&newName, "name", "", "new name")
	_ = rename.MarkFlagRequired("name")

	var yes bool
	del := &cobra.Command{
		Use:   "delete TENANT [-y]",
		Short: "Delete a tenant and its client",
		Args:  cobra.ExactArgs(1),
		RunE: mgmtRun(&f, func(ctx context.Context, s *mgmtSession, args []string) error {
			o, t, err := resolveTenant(ctx, s, args[0])
			if err != nil {
				return err
			}
			q := fmt.Sprintf("Delete tenant %s (%s) at %s from %s? Gatehouse stops issuing "+
				"tokens for it and its client stops working.", t.Name, t.ID, t.URL, orgLabel(o))
			ok, err := s.confirm(yes, q)
			if err != nil || !ok {
				return orDeclined(s, err)
			}
			if err := s.api.DeleteTenant(ctx, o.ID, t.ID); err != nil {
				return err
			}
			return s.out.Done(nil, fmt.Sprintf("Deleted tenant %s (%s).", t.Name, t.ID))
		}),
	}
	addYesFlag(del, &yes)

	group.AddCommand(
		create,
		&cobra.Command{
			Use:   "list",
			Short: "List the organization's tenants",
			Args:  cobra.NoArgs,
			RunE: mgmtRun(&f, func(ctx context.Context, s *mgmtSession, _ []string) error {
				o, err := s.org(ctx)
				if err != nil {
					return err
				}
				ts, err := s.api.Tenants(ctx, o.ID)
				if err != nil {
					return err
				}
				return s.out.Tenants(ts)
			}),
		},
		rename,
		del,
	)
	return group
}

// resolveTenant finds the organization and, in it, the tenant ref names.
func resolveTenant(ctx context.Context, s *mgmtSession, ref string) (*mgmt.Org, *mgmt.Tenant, error) {
	o, err := s.org(ctx)
	if err != nil {
		return nil, nil, err
	}
	t, err := s.api.ResolveTenant(ctx, o.ID, ref)
	if err != nil {
		return nil, nil, err
	}
	return o, t, nil
}
