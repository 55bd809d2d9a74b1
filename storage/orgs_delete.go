package storage

import (
	"context"
	"errors"
	"fmt"

	"github.com/ory/fosite"
	"github.com/redis/go-redis/v9"
)

// deleteOrgScript removes an organization with its memberships, tenants (with their
// URLs and clients), invitations and billing record, all in one step.
var deleteOrgScript = redis.NewScript(`
local org = ARGV[1]
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for _, user in ipairs(redis.call('HKEYS', KEYS[2])) do
  redis.call('HDEL', ARGV[2] .. user, org)
end
for _, tid in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  local t = redis.call('HMGET', ARGV[3] .. tid, 'url', 'client_id')
  if t[1] then redis.call('DEL', ARGV[4] .. t[1]) end
  if t[2] then redis.call('DEL', ARGV[5] .. t[2]) end
  redis.call('DEL', ARGV[3] .. tid)
end
for _, iid in ipairs(redis.call('SMEMBERS', KEYS[4])) do
  local tok = redis.call('HGET', ARGV[6] .. iid, 'token_key')
  if tok then redis.call('DEL', tok) end
  redis.call('DEL', ARGV[6] .. iid)
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
return 1
`)

// DeleteOrganization removes an organization and everything it holds, then deletes the
// devices authorized for its tenants, so their tokens stop working everywhere.
func (s *Store) DeleteOrganization(ctx context.Context, id string) error {
	devs, err := s.OrgDevices(ctx, id)
	if err != nil {
		return err
	}

	keys := []string{keyOrg + id, keyOrgMembers + id, keyOrgTenants + id, keyOrgInvites + id, keyBilling + id}
	args := []any{id, keyUserOrgs, keyTenant, keyTenantURL, keyClient, keyInvitation}
	n, err := deleteOrgScript.Run(ctx, s.rdb, keys, args...).Int()
	if err != nil {
		return fmt.Errorf("storage: delete organization: %w", err)
	}
	if n == 0 {
		return fosite.ErrNotFound
	}

	// The organization's devices end with it, and tenants refuse their tokens at once.
	for _, d := range devs {
		if err := s.DeleteDevice(ctx, d.ID); err != nil && !errors.Is(err, fosite.ErrNotFound) {
			return err
		}
	}
	// Its tenants and their clients are gone, so nobody reads its revoked list again.
	if err := s.rdb.Del(ctx, keyRevokedDevice+":"+id).Err(); err != nil {
		return fmt.Errorf("storage: delete organization revoked list: %w", err)
	}
	return nil
}
