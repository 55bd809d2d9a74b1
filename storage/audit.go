package storage

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Audit event types.
const (
	AuditDeviceApproved    = "device.approved"
	AuditDeviceDenied      = "device.denied"
	AuditDeviceLocked      = "device.locked"
	AuditDeviceUnlocked    = "device.unlocked"
	AuditDeviceDeleted     = "device.deleted"
	AuditRefreshTokenReuse = "refresh_token.reuse_detected"
	AuditDeviceCodeReplay  = "device_code.replayed"
	AuditRoleChanged       = "member.role_changed"
	AuditMemberRemoved     = "member.removed"
	AuditMemberAdded       = "member.added"
	AuditOrgCreated        = "org.created"
	AuditOrgDeleted        = "org.deleted"
	AuditTenantCreated     = "tenant.created"
	AuditTenantRenamed     = "tenant.renamed"
	AuditTenantDeleted     = "tenant.deleted"
	AuditInvitationCreated = "invitation.created"
	AuditInvitationResent  = "invitation.resent"
	AuditInvitationRevoked = "invitation.revoked"
	AuditBillingChanged    = "billing.changed"
)

// AuditRetention is how long audit events are kept; older ones are trimmed.
const AuditRetention = 90 * 24 * time.Hour

// AuditEvent is one entry of the audit trail: who did what, when, to which device,
// from where.
type AuditEvent struct {
	ID       string    `json:"id"`
	Type     string    `json:"type"`
	Time     time.Time `json:"time"`
	ActorID  string    `json:"actor_id,omitempty"`
	OrgID    string    `json:"org_id,omitempty"`
	DeviceID string    `json:"device_id,omitempty"`
	TargetID string    `json:"target_id,omitempty"`
	IP       string    `json:"ip_address,omitempty"`
	Detail   string    `json:"detail,omitempty"`
}

// RecordAudit appends ev to the audit stream and trims events older than
// AuditRetention, in one command.
func (s *Store) RecordAudit(ctx context.Context, ev AuditEvent) error {
	now := s.now()
	minID := strconv.FormatInt(ms(now.Add(-AuditRetention)), 10)
	err := s.rdb.XAdd(ctx, &redis.XAddArgs{
		Stream: keyAudit, MinID: minID, Approx: true,
		Values: map[string]any{
			"type": ev.Type, "actor_id": ev.ActorID, "org_id": ev.OrgID,
			"device_id": ev.DeviceID, "target_id": ev.TargetID, "ip_address": ev.IP,
			"detail": ev.Detail,
		},
	}).Err()
	if err != nil {
		return fmt.Errorf("storage: record audit event: %w", err)
	}
	return nil
}

// AuditEvents returns up to limit events, newest first, keeping only those that match
// keep (nil keeps all).
func (s *Store) AuditEvents(ctx context.Context, limit int, keep func(*AuditEvent) bool) ([]*AuditEvent, error) {
	msgs, err := s.rdb.XRevRangeN(ctx, keyAudit, "+", "-", 5000).Result()
	if err != nil {
		return nil, fmt.Errorf("storage: read audit events: %w", err)
	}
	out := []*AuditEvent{}
	for _, m := range msgs {
		ev := auditFromMessage(m)
		if keep != nil && !keep(ev) {
			continue
		}
		out = append(out, ev)
		if len(out) == limit {
			break
		}
	}
	return out, nil
}

func auditFromMessage(m redis.XMessage) *AuditEvent {
	str := func(k string) string { v, _ := m.Values[k].(string); return v }
	var msPart int64
	fmt.Sscanf(m.ID, "%d-", &msPart)
	return &AuditEvent{
		ID: m.ID, Type: str("type"), Time: fromMS(msPart), ActorID: str("actor_id"),
		OrgID: str("org_id"), DeviceID: str("device_id"), TargetID: str("target_id"),
		IP: str("ip_address"), Detail: str("detail"),
	}
}
