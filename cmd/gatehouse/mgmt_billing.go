package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
)

// newBillingCmd returns `gatehouse billing`: show and change an organization's plan and
// billing email.
func newBillingCmd() *cobra.Command {
	var f mgmtFlags
	group := &cobra.Command{
		Use:   "billing",
		Short: "Show and change an organization's plan and billing email",
	}
	addMgmtFlags(group, &f)
	addOrgFlag(group, &f, true, orgFlagUsage)

	var plan, email string
	set := &cobra.Command{
		Use:   "set [--plan PLAN] [--billing-email EMAIL]",
		Short: "Change the plan or the billing email; what is not given stays",
		Args:  cobra.NoArgs,
		RunE: mgmtRun(&f, func(ctx context.Context, s *mgmtSession, _ []string) error {
			fl := s.cmd.Flags()
			if !fl.Changed("plan") && !fl.Changed("billing-email") {
				return errors.New("Nothing to change; give --plan or --billing-email.")
			}
			o, err := s.org(ctx)
			if err != nil {
				return err
			}

			// PUT replaces the whole record: start from the current one.
			// TODO: a concurrent change between the GET and the PUT is lost; the API has
			// no ETag or PATCH for billing yet.
			b, err := s.api.Billing(ctx, o.ID)
			if err != nil {
				return err
			}
			if fl.Changed("plan") {
				b.Plan = plan
			}
			if fl.Changed("billing-email") {
				b.BillingEmail = email
			}

			b, err = s.api.SetBilling(ctx, o.ID, *b)
			if err != nil {
				return err
			}
			shown := b.BillingEmail
			if shown == "" {
				shown = "none"
			}
			return s.out.Done(b, fmt.Sprintf("Billing of %s: plan %s, billing email %s.", o.Name,
				b.Plan, shown))
		}),
	}
	set.Flags().StringVar(&plan, "plan", "", "plan: free, team or enterprise")
	set.Flags().StringVar(&email, "billing-email", "", `billing email address ("" for none)`)

	group.AddCommand(
		&cobra.Command{
			Use:   "show",
			Short: "Show the organization's plan and billing email",
			Args:  cobra.NoArgs,
			RunE: mgmtRun(&f, func(ctx context.Context, s *mgmtSession, _ []string) error {
				o, err := s.org(ctx)
				if err != nil {
					return err
				}
				b, err := s.api.Billing(ctx, o.ID)
				if err != nil {
					return err
				}
				return s.out.Billing(b)
			}),
		},
		set,
	)
	return group
}
