package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gatehouse-auth/gatehouse/cmd/gatehouse/internal/mgmt"
)

// newDeviceCmd returns `gatehouse authorized-device`: list, describe, lock, unlock and
// delete the device logins approved with the device grant.
func newDeviceCmd() *cobra.Command {
	var f mgmtFlags
	group := &cobra.Command{
		Use:     "authorized-device",
		Aliases: []string{"devices", "device"},
		Short:   "List, describe, lock, unlock and delete your authorized devices",
		Long: `List, describe, lock, unlock and delete your authorized devices: each
terminal or machine where a device login (gatehouse connect, or a tenant's CLI) was
approved. A locked device's tokens stop working until it is unlocked; a deleted
one must sign in again.

A device is named by its id or a unique prefix of it, such as the 12 characters
the list shows. With --org ORG, list, lock and unlock act on the devices of the
organization's members instead (this needs the devices:manage permission).`,
	}
	addMgmtFlags(group, &f)
	const orgUsage = "act on the devices of this organization's members (id or exact name)"

	list := &cobra.Command{
		Use:   "list [--org ORG]",
		Short: "List your authorized devices, or an organization's",
		Args:  cobra.NoArgs,
		RunE: mgmtRun(&f, func(ctx context.Context, s *mgmtSession, _ []string) error {
			o, err := s.orgIfSet(ctx)
			if err != nil {
				return err
			}
			if o == nil {
				devs, err := s.api.Devices(ctx, "")
				if err != nil {
					return err
				}
				return s.out.Devices(devs)
			}
			devs, err := s.api.Devices(ctx, o.ID)
			if err != nil {
				return err
			}
			return s.out.OrgDevices(devs)
		}),
	}
	addOrgFlag(list, &f, false, orgUsage)

	lock := deviceActionCmd(&f, "lock", "Lock a device: its tokens stop working until unlocked",
		"Locked", (*mgmt.Client).LockDevice)
	unlock := deviceActionCmd(&f, "unlock", "Unlock a locked device", "Unlocked",
		(*mgmt.Client).UnlockDevice)
	addOrgFlag(lock, &f, false, orgUsage)
	addOrgFlag(unlock, &f, false, orgUsage)

	var yes bool
	del := &cobra.Command{
		Use:   "delete ID [-y]",
		Short: "Delete a device: its tokens are revoked and it must sign in again",
		Args:  cobra.ExactArgs(1),
		RunE: mgmtRun(&f, func(ctx context.Context, s *mgmtSession, args []string) error {
			// Look the device up first: the question names it, and the full id is
			// deleted, not a prefix that could have come to mean another device.
			d, err := s.api.Device(ctx, args[0])
			if err != nil {
				return err
			}
			q := fmt.Sprintf("Delete authorized device %s (%s, %s)? It will have to sign in again.",
				d.ID, dash(d.Hostname), dash(d.OS))
			ok, err := s.confirm(yes, q)
			if err != nil || !ok {
				return orDeclined(s, err)
			}
			if err := s.api.DeleteDevice(ctx, d.ID); err != nil {
				return err
			}
			return s.out.Done(nil, fmt.Sprintf("Deleted authorized device %s; its tokens no longer work.",
				d.ID))
		}),
	}
	addYesFlag(del, &yes)

	group.AddCommand(
		list,
		&cobra.Command{
			Use:   "describe ID",
			Short: "Show every detail of one device",
			Args:  cobra.ExactArgs(1),
			RunE: mgmtRun(&f, func(ctx context.Context, s *mgmtSession, args []string) error {
				d, err := s.api.Device(ctx, args[0])
				if err != nil {
					return err
				}
				return s.out.Device(d)
			}),
		},
		lock,
		unlock,
		del,
	)
	return group
}

// deviceActionCmd returns `authorized-device lock|unlock ID [--org ORG]`.
func deviceActionCmd(f *mgmtFlags, use, short, verb string,
	action func(c *mgmt.Client, ctx context.Context, org, id string) (*mgmt.Device, error),
) *cobra.Command {
	return &cobra.Command{
		Use:   use + " ID [--org ORG]",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: mgmtRun(f, func(ctx context.Context, s *mgmtSession, args []string) error {
			orgID := ""
			o, err := s.orgIfSet(ctx)
			if err != nil {
				return err
			}
			if o != nil {
				orgID = o.ID
			}
			d, err := action(s.api, ctx, orgID, args[0])
			if err != nil {
				return err
			}
			return s.out.DeviceChanged(d, verb)
		}),
	}
}
