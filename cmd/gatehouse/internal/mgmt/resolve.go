package mgmt

import (
	"context"
	"strings"
)

// ResolveOrg finds the caller's organization whose id, or else whose exact name, is
// ref. An empty ref means the caller's only organization. It fails with *RefError,
// [ErrNoOrg] or *ChooseError.
func (c *Client) ResolveOrg(ctx context.Context, ref string) (*Org, error) {
	orgs, err := c.Orgs(ctx)
	if err != nil {
		return nil, err
	}

	// The default: the only one.
	if ref == "" {
		switch len(orgs) {
		case 0:
			return nil, ErrNoOrg
		case 1:
			return &orgs[0], nil
		}
		return nil, &ChooseError{What: "organizations", Options: orgChoices(orgs), Flag: "--org"}
	}

	i, err := match(KindOrg, ref, orgs, func(o Org) string { return o.ID },
		func(o Org) bool { return o.Name == ref })
	if err != nil {
		return nil, err
	}
	return &orgs[i], nil
}

// orgChoices names each organization as --org would take it: by name, or by id when
// another has the same name.
func orgChoices(orgs []Org) []string {
	count := map[string]int{}
	for _, o := range orgs {
		count[o.Name]++
	}
	out := make([]string, len(orgs))
	for i, o := range orgs {
		out[i] = o.Name
		if count[o.Name] > 1 {
			out[i] = o.ID
		}
	}
	return out
}

// ResolveTenant finds the tenant of org whose id, or else whose exact name, is ref.
func (c *Client) ResolveTenant(ctx context.Context, org, ref string) (*Tenant, error) {
	tenants, err := c.Tenants(ctx, org)
	if err != nil {
		return nil, err
	}
	i, err := match(KindTenant, ref, tenants, func(t Tenant) string { return t.ID },
		func(t Tenant) bool { return t.Name == ref })
	if err != nil {
		return nil, err
	}
	return &tenants[i], nil
}

// ResolveMember finds the member of org whose user id, or else whose email, is ref.
// Emails compare without regard to case, as mail systems treat them.
func (c *Client) ResolveMember(ctx context.Context, org, ref string) (*Member, error) {
	members, err := c.Members(ctx, org)
	if err != nil {
		return nil, err
	}
	i, err := match(KindMember, ref, members, func(m Member) string { return m.UserID },
		func(m Member) bool { return m.Email != "" && strings.EqualFold(m.Email, ref) })
	if err != nil {
		return nil, err
	}
	return &members[i], nil
}

// match returns the index of the item whose id is ref, else of the only item named
// ref; no match, or several by name, is a *RefError.
func match[T any](kind Kind, ref string, items []T, id func(T) string, named func(T) bool) (int, error) {
	for i, it := range items {
		if id(it) == ref {
			return i, nil
		}
	}

	var found []int
	var ids []string
	for i, it := range items {
		if named(it) {
			found = append(found, i)
			ids = append(ids, id(it))
		}
	}
	switch len(found) {
	case 0:
		return 0, &RefError{Kind: kind, Ref: ref}
	case 1:
		return found[0], nil
	}
	return 0, &RefError{Kind: kind, Ref: ref, Matches: ids}
}
