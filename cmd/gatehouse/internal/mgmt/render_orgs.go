package mgmt

import (
	"fmt"
	"strconv"
)

// Orgs prints organizations.
func (p *Printer) Orgs(orgs []Org) error {
	if p.JSON() {
		return p.writeJSON(nonNil(orgs))
	}
	rows := make([][]string, 0, len(orgs))
	for _, o := range orgs {
		rows = append(rows, []string{cell(o.ID), cell(o.Name), cell(o.Role), p.time(o.CreatedAt, tableTime)})
	}
	return p.table("ID\tNAME\tROLE\tCREATED", rows,
		"You are not a member of any organization. To create one: gatehouse org create NAME")
}

// OrgDetail prints one organization, a field per line.
func (p *Printer) OrgDetail(o *OrgDetail) error {
	if p.JSON() {
		return p.writeJSON(o)
	}
	return p.fields([][2]string{
		{"ID", o.ID},
		{"Name", o.Name},
		{"Your role", o.Role},
		{"Created", p.time(o.CreatedAt, describeTime)},
		{"Members", strconv.Itoa(o.MemberCount)},
		{"Tenants", strconv.Itoa(o.TenantCount)},
	})
}

// CreatedOrg prints an organization just created.
func (p *Printer) CreatedOrg(o *Org) error {
	return p.Done(o, fmt.Sprintf("Created organization %s (%s); you are its %s.",
		clean(o.Name), o.ID, o.Role))
}

// Members prints an organization's members.
func (p *Printer) Members(members []Member) error {
	if p.JSON() {
		return p.writeJSON(nonNil(members))
	}
	rows := make([][]string, 0, len(members))
	for _, m := range members {
		rows = append(rows, []string{cell(m.UserID), cell(m.Email), cell(m.Name), cell(m.Role)})
	}
	return p.table("USER ID\tEMAIL\tNAME\tROLE", rows, "The organization has no members.")
}

// Invitations prints an organization's invitations.
func (p *Printer) Invitations(invs []Invitation) error {
	if p.JSON() {
		return p.writeJSON(nonNil(invs))
	}
	rows := make([][]string, 0, len(invs))
	for _, i := range invs {
		rows = append(rows, []string{cell(i.ID), cell(i.Email), cell(i.Role), cell(i.Status),
			cell(i.InvitedBy), p.time(i.CreatedAt, tableTime), p.time(i.ExpiresAt, tableTime)})
	}
	return p.table("ID\tEMAIL\tROLE\tSTATUS\tINVITED BY\tCREATED\tEXPIRES", rows,
		"The organization has no invitations.")
}

// Invited prints the invitation that adding a member sent, or sent again.
func (p *Printer) Invited(inv *Invitation, resent bool) error {
	verb := "Invited"
	if resent {
		verb = "Sent the invitation again to"
	}
	return p.Done(inv, fmt.Sprintf("%s %s as %s; the invitation %s expires %s.", verb,
		clean(inv.Email), clean(inv.Role), inv.ID, p.time(inv.ExpiresAt, tableTime)))
}

// Tenants prints an organization's tenants.
func (p *Printer) Tenants(tenants []Tenant) error {
	if p.JSON() {
		return p.writeJSON(nonNil(tenants))
	}
	rows := make([][]string, 0, len(tenants))
	for _, t := range tenants {
		rows = append(rows, []string{cell(t.ID), cell(t.Name), cell(t.URL), cell(t.ClientID),
			p.time(t.CreatedAt, tableTime)})
	}
	return p.table("ID\tNAME\tURL\tCLIENT ID\tCREATED", rows, "The organization has no tenants.")
}

// CreatedTenant prints a tenant just created with its client secret, the one time it
// is shown, and warns on Err to store it.
func (p *Printer) CreatedTenant(t *NewTenant) error {
	if p.JSON() {
		if err := p.writeJSON(t); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(p.Out, "Created tenant %s (%s) for %s.\n", clean(t.Name), t.ID, clean(t.URL))
		if err := p.fields([][2]string{{"Client ID", t.ClientID}, {"Client secret", t.ClientSecret}}); err != nil {
			return err
		}
	}
	p.Warn("Store the client secret now, in the tenant's configuration: Gatehouse keeps only " +
		"a hash of it and cannot show it again.")
	return nil
}

// Billing prints an organization's billing record.
func (p *Printer) Billing(b *Billing) error {
	if p.JSON() {
		return p.writeJSON(b)
	}
	email := b.BillingEmail
	if email == "" {
		email = "-"
	}
	return p.fields([][2]string{{"Plan", b.Plan}, {"Billing email", email}})
}
