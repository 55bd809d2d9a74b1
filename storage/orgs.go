package storage

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/ory/fosite"
	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-auth/gatehouse/rbac"
)

// Organization is the top-level container of users and tenants.
type Organization struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// Membership is one user's role in one organization.
type Membership struct {
	OrgID  string    `json:"org_id"`
	UserID string    `json:"user_id"`
	Role   rbac.Role `json:"role"`
}

// Errors of organization changes.
var (
	ErrNotMember     = fmt.Errorf("storage: not a member of the organization: %w", fosite.ErrNotFound)
	ErrAlreadyMember = errors.New("storage: already a member of the organization")
	// ErrLastAdmin is rbac.ErrLastAdmin, enforced again inside the atomic change.
	ErrLastAdmin = rbac.ErrLastAdmin
	// ErrConflict means the state changed under a request (for instance the actor's own
	// role); nothing was written and the request may be retried.
	ErrConflict = errors.New("storage: concurrent change, nothing written")
)

var createOrgScript = redis.NewScript(`
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'name', ARGV[2], 'created_at', ARGV[3])
redis.call('HSET', KEYS[2], ARGV[4], 'admin')
redis.call('HSET', KEYS[3], ARGV[1], 'admin')
return 1
`)

// CreateOrganization creates an organization whose first admin is creatorID, in one
// step: there is never an organization without an admin.
func (s *Store) CreateOrganization(ctx context.Context, name, creatorID string) (*Organization, error) {
	o := &Organization{ID: NewID(), Name: name, CreatedAt: s.now().UTC()}
	keys := []string{keyOrg + o.ID, keyOrgMembers + o.ID, keyUserOrgs + creatorID}
	if err := createOrgScript.Run(ctx, s.rdb, keys, o.ID, name, ms(o.CreatedAt), creatorID).Err(); err != nil {
		return nil, fmt.Errorf("storage: create organization: %w", err)
	}
	return o, nil
}

// Organization loads an organization; an unknown id is fosite.ErrNotFound.
func (s *Store) Organization(ctx context.Context, id string) (*Organization, error) {
	f, err := s.rdb.HGetAll(ctx, keyOrg+id).Result()
	if err != nil {
		return nil, fmt.Errorf("storage: load organization: %w", err)
	}
	if len(f) == 0 {
		return nil, fosite.ErrNotFound
	}
	return &Organization{ID: f["id"], Name: f["name"], CreatedAt: parseMS(f["created_at"])}, nil
}

// UserOrganizations lists the organizations userID belongs to, with the role in each,
// sorted by organization id.
func (s *Store) UserOrganizations(ctx context.Context, userID string) ([]Membership, error) {
	roles, err := s.rdb.HGetAll(ctx, keyUserOrgs+userID).Result()
	if err != nil {
		return nil, fmt.Errorf("storage: list user organizations: %w", err)
	}
	out := make([]Membership, 0, len(roles))
	for org, role := range roles {
		out = append(out, Membership{OrgID: org, UserID: userID, Role: rbac.Role(role)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].OrgID < out[j].OrgID })
	return out, nil
}

// Role returns userID's role in orgID, or ErrNotMember.
func (s *Store) Role(ctx context.Context, orgID, userID string) (rbac.Role, error) {
	role, err := s.rdb.HGet(ctx, keyOrgMembers+orgID, userID).Result()
	if errors.Is(err, redis.Nil) {
		return "", ErrNotMember
	}
	if err != nil {
		return "", fmt.Errorf("storage: load role: %w", err)
	}
	return rbac.Role(role), nil
}

// Members lists an organization's members, sorted by user id.
func (s *Store) Members(ctx context.Context, orgID string) ([]Membership, error) {
	roles, err := s.rdb.HGetAll(ctx, keyOrgMembers+orgID).Result()
	if err != nil {
		return nil, fmt.Errorf("storage: list members: %w", err)
	}
	out := make([]Membership, 0, len(roles))
	for user, role := range roles {
		out = append(out, Membership{OrgID: orgID, UserID: user, Role: rbac.Role(role)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UserID < out[j].UserID })
	return out, nil
}

// AdminCount counts an organization's admins.
func (s *Store) AdminCount(ctx context.Context, orgID string) (int, error) {
	members, err := s.Members(ctx, orgID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range members {
		if m.Role == rbac.RoleAdmin {
			n++
		}
	}
	return n, nil
}

// addMemberScript adds a member unless already one; KEYS: org members, user orgs, org.
var addMemberScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[3]) == 0 then return -1 end
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
return 1
`)

// AddMember makes userID a member of orgID with role. An existing member gives
// ErrAlreadyMember; an unknown organization fosite.ErrNotFound.
func (s *Store) AddMember(ctx context.Context, orgID, userID string, role rbac.Role) error {
	keys := []string{keyOrgMembers + orgID, keyUserOrgs + userID, keyOrg + orgID}
	n, err := addMemberScript.Run(ctx, s.rdb, keys, userID, orgID, string(role)).Int()
	if err != nil {
		return fmt.Errorf("storage: add member: %w", err)
	}
	switch n {
	case -1:
		return fosite.ErrNotFound
	case 0:
		return ErrAlreadyMember
	}
	return nil
}

// changeMemberScript sets (ARGV[3] = role) or removes (ARGV[3] = ”) a membership,
// atomically re-checking what the caller's permission decision rested on: the actor's
// role (ARGV[4]) and the target's role (ARGV[5]) are unchanged, and the organization
// keeps at least one admin. KEYS: org members, target's user orgs.
var changeMemberScript = redis.NewScript(`
local actor = redis.call('HGET', KEYS[1], ARGV[6])
if ARGV[4] ~= '' and actor ~= ARGV[4] then return -2 end
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if not cur then return 0 end
if cur ~= ARGV[5] then return -2 end
if cur == 'admin' and ARGV[3] ~= 'admin' then
  local admins = 0
  for _, r in ipairs(redis.call('HVALS', KEYS[1])) do
    if r == 'admin' then admins = admins + 1 end
  end
  if admins <= 1 then return -1 end
end
if ARGV[3] == '' then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[2])
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
  redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
end
return 1
`)

// MemberChange is one role change or removal, with the facts the permission decision
// was made on; the store applies it only if they still hold.
type MemberChange struct {
	OrgID  string
	UserID string
	// From is the target's role the decision saw.
	From rbac.Role
	// To is the new role; empty removes the member.
	To rbac.Role
	// ActorID and ActorRole are who decided, and their role when they did; an empty
	// ActorID skips that check (operators, invitations).
	ActorID   string
	ActorRole rbac.Role
}

// ChangeMember applies c atomically. It fails with ErrNotMember, ErrLastAdmin (the
// organization would be left without an admin) or ErrConflict, writing nothing. A
// removal then deletes the member's devices for the organization's tenants.
func (s *Store) ChangeMember(ctx context.Context, c MemberChange) error {
	keys := []string{keyOrgMembers + c.OrgID, keyUserOrgs + c.UserID}
	args := []any{c.UserID, c.OrgID, string(c.To), string(c.ActorRole), string(c.From), c.ActorID}
	if c.ActorID == "" {
		args[3] = ""
	}
	n, err := changeMemberScript.Run(ctx, s.rdb, keys, args...).Int()
	if err != nil {
		return fmt.Errorf("storage: change member: %w", err)
	}
	switch n {
	case 0:
		return ErrNotMember
	case -1:
		return ErrLastAdmin
	case -2:
		return ErrConflict
	}
	if c.To == "" {
		return s.endMemberDevices(ctx, c.OrgID, c.UserID)
	}
	return nil
}

// endMemberDevices deletes the devices a removed member authorized for the
// organization's tenants: their grants end for good (a later re-invitation does not
// revive them), and tenants refuse their unexpired JWTs at the next revoked-list poll.
func (s *Store) endMemberDevices(ctx context.Context, orgID, userID string) error {
	devs, err := s.OrgDevices(ctx, orgID)
	if err != nil {
		return err
	}
	for _, d := range devs {
		if d.UserID != userID {
			continue
		}
		if err := s.DeleteDevice(ctx, d.ID); err != nil && !errors.Is(err, fosite.ErrNotFound) {
			return err
		}
	}
	return nil
}
