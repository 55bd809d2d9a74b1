package storage

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/ory/fosite"
	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-auth/gatehouse/rbac"
)

// Invitation statuses. A pending invitation past ExpiresAt is shown as expired.
const (
	InvitationPending  = "pending"
	InvitationAccepted = "accepted"
	InvitationRevoked  = "revoked"
	InvitationExpired  = "expired"
)

// Invitation asks someone, by email, to join an organization with a role. Its token
// lives only in the emailed link; Redis keeps its HMAC.
type Invitation struct {
	ID         string    `json:"id"`
	OrgID      string    `json:"org_id"`
	Email      string    `json:"email"`
	Role       rbac.Role `json:"role"`
	InvitedBy  string    `json:"invited_by"`
	Status     string    `json:"status"`
	CreatedAt  time.Time `json:"created_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	AcceptedAt time.Time `json:"accepted_at,omitzero"`
}

// EffectiveStatus is Status, or InvitationExpired for a pending one past its time.
func (i *Invitation) EffectiveStatus(now time.Time) string {
	if i.Status == InvitationPending && !now.Before(i.ExpiresAt) {
		return InvitationExpired
	}
	return i.Status
}

// Errors of invitations.
var (
	ErrInvitationExpired = errors.New("storage: the invitation has expired")
	ErrInvitationUsed    = errors.New("storage: the invitation was already accepted")
	ErrInvitationRevoked = errors.New("storage: the invitation was revoked")
	ErrInvitationPending = errors.New("storage: that email already has a pending invitation")
)

// invitationRetention keeps used and expired invitations, so their links explain
// themselves instead of looking unknown.
const invitationRetention = 30 * 24 * time.Hour

var createInvitationScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local uid = redis.call('GET', KEYS[2])
if uid and redis.call('HEXISTS', KEYS[3], uid) == 1 then return 0 end
for _, iid in ipairs(redis.call('SMEMBERS', KEYS[4])) do
  local inv = redis.call('HMGET', ARGV[9] .. iid, 'email', 'status', 'expires_at')
  if inv[1] == ARGV[3] and inv[2] == 'pending' and tonumber(inv[3]) > tonumber(ARGV[6]) then
    return -2
  end
end
redis.call('HSET', KEYS[5], 'id', ARGV[1], 'org_id', ARGV[2], 'email', ARGV[3], 'role', ARGV[4],
  'invited_by', ARGV[5], 'status', 'pending', 'created_at', ARGV[6], 'expires_at', ARGV[7],
  'token_key', KEYS[6])
redis.call('PEXPIRE', KEYS[5], ARGV[8])
redis.call('SET', KEYS[6], ARGV[1], 'PX', ARGV[8])
redis.call('SADD', KEYS[4], ARGV[1])
return 1
`)

// CreateInvitation invites email to orgID with role for ttl and returns the link
// token, shown this once. A current member gives ErrAlreadyMember, a live invitation
// for the same email ErrInvitationPending, an unknown organization fosite.ErrNotFound.
func (s *Store) CreateInvitation(ctx context.Context, orgID, email string, role rbac.Role, invitedBy string, ttl time.Duration) (*Invitation, string, error) {
	now := s.now().UTC()
	inv := &Invitation{ID: NewID(), OrgID: orgID, Email: NormalizeEmail(email), Role: role,
		InvitedBy: invitedBy, Status: InvitationPending, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	token := rand.Text() + rand.Text()

	keys := []string{keyOrg + orgID, keyUserEmail + inv.Email, keyOrgMembers + orgID,
		keyOrgInvites + orgID, keyInvitation + inv.ID, s.inviteTokenKey(token)}
	keep := (ttl + invitationRetention).Milliseconds()
	args := []any{inv.ID, orgID, inv.Email, string(role), invitedBy, ms(now), ms(inv.ExpiresAt), keep, keyInvitation}
	n, err := createInvitationScript.Run(ctx, s.rdb, keys, args...).Int()
	if err != nil {
		return nil, "", fmt.Errorf("storage: create invitation: %w", err)
	}
	switch n {
	case -1:
		return nil, "", fosite.ErrNotFound
	case 0:
		return nil, "", ErrAlreadyMember
	case -2:
		return nil, "", ErrInvitationPending
	}
	return inv, token, nil
}

func (s *Store) inviteTokenKey(token string) string {
	return keyInviteToken + s.mac("invitation", token)
}

// Invitation loads an invitation by id; unknown is fosite.ErrNotFound.
func (s *Store) Invitation(ctx context.Context, id string) (*Invitation, error) {
	f, err := s.rdb.HGetAll(ctx, keyInvitation+id).Result()
	if err != nil {
		return nil, fmt.Errorf("storage: load invitation: %w", err)
	}
	if len(f) == 0 {
		return nil, fosite.ErrNotFound
	}
	return &Invitation{ID: f["id"], OrgID: f["org_id"], Email: f["email"], Role: rbac.Role(f["role"]),
		InvitedBy: f["invited_by"], Status: f["status"], CreatedAt: parseMS(f["created_at"]),
		ExpiresAt: parseMS(f["expires_at"]), AcceptedAt: parseMS(f["accepted_at"])}, nil
}

// InvitationByToken loads the invitation of a link, failing with fosite.ErrNotFound,
// ErrInvitationExpired, ErrInvitationUsed or ErrInvitationRevoked (with the
// invitation) when it cannot be accepted.
func (s *Store) InvitationByToken(ctx context.Context, token string) (*Invitation, error) {
	id, err := s.rdb.Get(ctx, s.inviteTokenKey(token)).Result()
	if err != nil {
		return nil, notFound(err)
	}
	inv, err := s.Invitation(ctx, id)
	if err != nil {
		return nil, err
	}
	switch inv.EffectiveStatus(s.now()) {
	case InvitationExpired:
		return inv, ErrInvitationExpired
	case InvitationAccepted:
		return inv, ErrInvitationUsed
	case InvitationRevoked:
		return inv, ErrInvitationRevoked
	}
	return inv, nil
}

// Invitations lists an organization's invitations, newest first.
func (s *Store) Invitations(ctx context.Context, orgID string) ([]*Invitation, error) {
	ids, err := s.rdb.SMembers(ctx, keyOrgInvites+orgID).Result()
	if err != nil {
		return nil, fmt.Errorf("storage: list invitations: %w", err)
	}
	out := make([]*Invitation, 0, len(ids))
	for _, id := range ids {
		inv, err := s.Invitation(ctx, id)
		if errors.Is(err, fosite.ErrNotFound) {
			s.rdb.SRem(ctx, keyOrgInvites+orgID, id)
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, inv)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt.After(out[j].CreatedAt) })
	return out, nil
}

// acceptScript turns a pending, unexpired invitation into a membership, once.
var acceptScript = redis.NewScript(`
local inv = redis.call('HMGET', KEYS[1], 'status', 'expires_at', 'org_id', 'role')
if not inv[1] then return 0 end
if inv[1] == 'accepted' then return -3 end
if inv[1] == 'revoked' then return -4 end
if tonumber(ARGV[2]) >= tonumber(inv[2]) then return -2 end
if redis.call('EXISTS', ARGV[4] .. inv[3]) == 0 then return 0 end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return -1 end
redis.call('HSET', KEYS[2], ARGV[1], inv[4])
redis.call('HSET', KEYS[3], inv[3], inv[4])
redis.call('HSET', KEYS[1], 'status', 'accepted', 'accepted_at', ARGV[2], 'accepted_by', ARGV[1])
return 1
`)

// AcceptInvitation makes userID a member with the invited role and marks the
// invitation used, in one step.
func (s *Store) AcceptInvitation(ctx context.Context, token, userID string) (*Invitation, error) {
	inv, err := s.InvitationByToken(ctx, token)
	if err != nil {
		return inv, err
	}
	keys := []string{keyInvitation + inv.ID, keyOrgMembers + inv.OrgID, keyUserOrgs + userID}
	n, err := acceptScript.Run(ctx, s.rdb, keys, userID, ms(s.now()), "", keyOrg).Int()
	if err != nil {
		return nil, fmt.Errorf("storage: accept invitation: %w", err)
	}
	switch n {
	case 0:
		return inv, fosite.ErrNotFound
	case -1:
		return inv, ErrAlreadyMember
	case -2:
		return inv, ErrInvitationExpired
	case -3:
		return inv, ErrInvitationUsed
	case -4:
		return inv, ErrInvitationRevoked
	}
	inv.Status = InvitationAccepted
	return inv, nil
}

var resendScript = redis.NewScript(`
local inv = redis.call('HMGET', KEYS[1], 'status', 'token_key')
if not inv[1] then return 0 end
if inv[1] ~= 'pending' then return -1 end
if inv[2] then redis.call('DEL', inv[2]) end
redis.call('HSET', KEYS[1], 'expires_at', ARGV[2], 'token_key', KEYS[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[3])
return 1
`)

// ResendInvitation gives a pending invitation a new link token and a new expiry; the
// old link stops working.
func (s *Store) ResendInvitation(ctx context.Context, id string, ttl time.Duration) (*Invitation, string, error) {
	token := rand.Text() + rand.Text()
	exp := s.now().UTC().Add(ttl)
	keys := []string{keyInvitation + id, s.inviteTokenKey(token)}
	keep := (ttl + invitationRetention).Milliseconds()
	n, err := resendScript.Run(ctx, s.rdb, keys, id, ms(exp), keep).Int()
	if err != nil {
		return nil, "", fmt.Errorf("storage: resend invitation: %w", err)
	}
	switch n {
	case 0:
		return nil, "", fosite.ErrNotFound
	case -1:
		return nil, "", ErrInvitationUsed
	}
	inv, err := s.Invitation(ctx, id)
	return inv, token, err
}

var revokeInvitationScript = redis.NewScript(`
local st = redis.call('HGET', KEYS[1], 'status')
if not st then return 0 end
if st ~= 'pending' then return -1 end
redis.call('HSET', KEYS[1], 'status', 'revoked')
return 1
`)

// RevokeInvitation makes a pending invitation's link unusable. One already accepted
// or revoked gives ErrInvitationUsed.
func (s *Store) RevokeInvitation(ctx context.Context, id string) error {
	n, err := revokeInvitationScript.Run(ctx, s.rdb, []string{keyInvitation + id}).Int()
	if err != nil {
		return fmt.Errorf("storage: revoke invitation: %w", err)
	}
	switch n {
	case 0:
		return fosite.ErrNotFound
	case -1:
		return ErrInvitationUsed
	}
	return nil
}
