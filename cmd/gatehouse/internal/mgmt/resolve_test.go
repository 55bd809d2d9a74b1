package mgmt

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

func TestResolveOrg(t *testing.T) {
	tests := []struct {
		name    string
		orgs    []Org // nil: the fake's two
		ref     string
		wantID  string
		wantErr func(error) bool
	}{
		{name: "by id", ref: "org_beta", wantID: "org_beta"},
		{name: "by exact name", ref: "Acme", wantID: "org_acme"},
		{name: "a name is not matched without regard to case", ref: "acme",
			wantErr: isRef(KindOrg, nil)},
		{name: "unknown", ref: "Gamma", wantErr: isRef(KindOrg, nil)},
		{name: "an id wins over a name", ref: "org_beta",
			orgs:   []Org{{ID: "org_x", Name: "org_beta"}, {ID: "org_beta", Name: "Beta"}},
			wantID: "org_beta"},
		{name: "two of one name", ref: "Acme",
			orgs:    []Org{{ID: "org_1", Name: "Acme"}, {ID: "org_2", Name: "Acme"}},
			wantErr: isRef(KindOrg, []string{"org_1", "org_2"})},
		{name: "default: the only one", orgs: []Org{{ID: "org_1", Name: "Solo"}}, wantID: "org_1"},
		{name: "default: none", orgs: []Org{}, wantErr: func(err error) bool { return errors.Is(err, ErrNoOrg) }},
		{name: "default: several, named for --org",
			orgs: []Org{{ID: "org_1", Name: "Acme"}, {ID: "org_2", Name: "Acme"}, {ID: "org_3", Name: "Beta"}},
			wantErr: func(err error) bool {
				var c *ChooseError
				return errors.As(err, &c) && c.Flag == "--org" &&
					reflect.DeepEqual(c.Options, []string{"org_1", "org_2", "Beta"})
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeAPI(t)
			if tt.orgs != nil {
				f.orgs = tt.orgs
			}
			o, err := f.client().ResolveOrg(context.Background(), tt.ref)
			if tt.wantErr != nil {
				if !tt.wantErr(err) {
					t.Fatalf("err = %v (%#v), not the one expected", err, err)
				}
				return
			}
			if err != nil || o.ID != tt.wantID {
				t.Fatalf("ResolveOrg(%q) = %+v, %v; want %s", tt.ref, o, err, tt.wantID)
			}
		})
	}
}

func TestResolveMemberAndTenant(t *testing.T) {
	ctx := context.Background()
	f := newFakeAPI(t)
	c := f.client()

	tests := []struct {
		name    string
		resolve func() (string, error)
		want    string
		wantErr func(error) bool
	}{
		{name: "member by user id", want: "usr_bob",
			resolve: func() (string, error) { m, err := c.ResolveMember(ctx, "org_acme", "usr_bob"); return id(m, err) }},
		{name: "member by email, any case", want: "usr_bob",
			resolve: func() (string, error) {
				m, err := c.ResolveMember(ctx, "org_acme", "bob@example.COM")
				return id(m, err)
			}},
		{name: "a deleted account's empty email matches nothing", wantErr: isRef(KindMember, nil),
			resolve: func() (string, error) { m, err := c.ResolveMember(ctx, "org_acme", ""); return id(m, err) }},
		{name: "unknown member", wantErr: isRef(KindMember, nil),
			resolve: func() (string, error) {
				m, err := c.ResolveMember(ctx, "org_acme", "eve@example.com")
				return id(m, err)
			}},
		{name: "tenant by name", want: "tnt_notes",
			resolve: func() (string, error) { t, err := c.ResolveTenant(ctx, "org_acme", "Notes"); return tid(t, err) }},
		{name: "tenant by id", want: "tnt_notes",
			resolve: func() (string, error) { t, err := c.ResolveTenant(ctx, "org_acme", "tnt_notes"); return tid(t, err) }},
		{name: "unknown tenant", wantErr: isRef(KindTenant, nil),
			resolve: func() (string, error) { t, err := c.ResolveTenant(ctx, "org_acme", "notes"); return tid(t, err) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.resolve()
			if tt.wantErr != nil {
				if !tt.wantErr(err) {
					t.Fatalf("err = %v, not the one expected", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func id(m *Member, err error) (string, error) {
	if err != nil {
		return "", err
	}
	return m.UserID, nil
}

func tid(t *Tenant, err error) (string, error) {
	if err != nil {
		return "", err
	}
	return t.ID, nil
}

// isRef matches a *RefError of kind with these matches.
func isRef(kind Kind, matches []string) func(error) bool {
	return func(err error) bool {
		var r *RefError
		return errors.As(err, &r) && r.Kind == kind && reflect.DeepEqual(r.Matches, matches)
	}
}
