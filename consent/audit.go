package consent

import (
	"net/http"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// audit records ev, from the address of r, in the audit trail. The action it records
// has already happened and stands: a failure to record is logged at error level, for
// an operator to notice, and the person is not told.
func (h *Handler) audit(r *http.Request, ev storage.AuditEvent) {
	ctx := r.Context()
	ev.IP = clientIP(r)
	if err := h.store.RecordAudit(ctx, ev); err != nil {
		h.log.ErrorContext(ctx, "record audit event failed", "type", ev.Type,
			"user_id", ev.ActorID, "device_id", ev.DeviceID, "err", err)
	}
}
