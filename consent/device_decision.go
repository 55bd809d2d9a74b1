package consent

import (
	"errors"
	"net/http"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// Actions of the confirmation form's two buttons.
const (
	actionApprove = "approve"
	actionDeny    = "deny"
)

// resultPage is the data of templates/device_result.html.
type resultPage struct {
	frame
	Heading string
	// Refusal is Config.Authorize's message when it refused the approval.
	Refusal string
	Detail  string
}

// deviceDecision serves POST /device/decision: approve or deny the request of the
// code in the form.
func (h *Handler) deviceDecision(w http.ResponseWriter, r *http.Request) {
	typed, action := r.PostForm.Get("user_code"), r.PostForm.Get("action")
	if action != actionApprove && action != actionDeny {
		h.renderStatus(w, r, http.StatusBadRequest)
		return
	}

	who := h.signedInOrLogin(w, r, prefill(typed))
	if who == nil {
		return
	}

	// The code comes back from a form its sender can write anything into, so it is
	// looked up again under the same limit on wrong codes.
	req, code, ok := h.lookup(w, r, who, typed)
	if !ok {
		return
	}

	if action == actionDeny {
		h.deny(w, r, who, req, code, "", "")
		return
	}
	h.approve(w, r, who, req, code, r.PostForm.Get("trust") == "on")
}

// approve asks Config.Authorize, then approves req for who. RFC 8628 §3.5: the device's
// next poll then gets its tokens.
func (h *Handler) approve(w http.ResponseWriter, r *http.Request, who *signedIn,
	req *storage.DeviceRequest, code string, trusted bool) {
	ctx := r.Context()

	// Authorize: a refusal denies the request, so that the device stops polling with
	// access_denied instead of waiting for its code to expire.
	var a storage.Approval
	if h.cfg.Authorize != nil {
		got, err := h.cfg.Authorize(ctx, who.User, req)
		var refusal *RefusalError
		if errors.As(err, &refusal) {
			h.log.InfoContext(ctx, "device approval refused", "user_id", who.User.ID,
				"client_id", req.ClientID, "device_id", req.ID, "reason", refusal.Message)
			h.deny(w, r, who, req, code, got.OrgID, refusal.Message)
			return
		}
		if err != nil {
			h.unavailable(w, r, "authorize device approval failed", err)
			return
		}
		a = storage.Approval{OrgID: got.OrgID, OrgRole: got.OrgRole, TenantID: got.TenantID}
	}

	// Approve: the authorization lasts the trusted or the untrusted lifetime.
	lifetime := h.cfg.DeviceLifetime
	if trusted {
		lifetime = h.cfg.TrustedDeviceLifetime
	}
	now := h.cfg.Now().UTC()
	a.UserID, a.Trusted = who.User.ID, trusted
	a.AuthTime, a.ApprovedAt, a.ExpiresAt = who.Session.AuthTime, now, now.Add(lifetime)
	dev, err := h.store.ApproveDeviceRequest(ctx, code, a)
	if err != nil {
		h.decisionFailed(w, r, who, code, err)
		return
	}

	h.log.InfoContext(ctx, "device approved", "user_id", who.User.ID,
		"client_id", dev.ClientID, "device_id", dev.ID, "trusted", trusted,
		"org_id", a.OrgID, "tenant_id", a.TenantID)
	detail := "untrusted"
	if trusted {
		detail = "trusted"
	}
	h.audit(r, storage.AuditEvent{Type: storage.AuditDeviceApproved, ActorID: who.User.ID,
		OrgID: a.OrgID, DeviceID: req.ID, Detail: detail})
	h.render(w, r, http.StatusOK, "device_result", resultPage{
		frame:   newFrame(r, "Device approved", who.User),
		Heading: "Device approved",
		Detail:  "It stays signed in for " + humanDuration(lifetime) + ".",
	})
}

// deny denies req. RFC 8628 §3.5: the device's next poll gets access_denied. When
// Config.Authorize refused the approval, refusal is its reason and orgID the
// organization it named, if any.
func (h *Handler) deny(w http.ResponseWriter, r *http.Request, who *signedIn,
	req *storage.DeviceRequest, code, orgID, refusal string) {
	ctx := r.Context()
	if err := h.store.DenyDeviceRequest(ctx, code, who.User.ID); err != nil {
		h.decisionFailed(w, r, who, code, err)
		return
	}

	h.log.InfoContext(ctx, "device denied", "user_id", who.User.ID,
		"client_id", req.ClientID, "device_id", req.ID, "refused", refusal != "")
	h.audit(r, storage.AuditEvent{Type: storage.AuditDeviceDenied, ActorID: who.User.ID,
		OrgID: orgID, DeviceID: req.ID, Detail: refusal})
	h.render(w, r, http.StatusOK, "device_result", resultPage{
		frame:   newFrame(r, "Device denied", who.User),
		Heading: "Device denied",
		Refusal: refusal,
	})
}

// decisionFailed answers a decision that storage refused: the request changed since
// it was looked up (decided in another tab, expired) or storage failed.
func (h *Handler) decisionFailed(w http.ResponseWriter, r *http.Request, who *signedIn,
	code string, err error) {
	entry := entryPage{Code: prefill(code)}
	switch {
	case errors.Is(err, storage.ErrDeviceCodeDecided):
		entry.Error = msgUsedCode
	case errors.Is(err, storage.ErrDeviceCodeExpired):
		entry.Error = msgExpiredCode
	case errors.Is(err, storage.ErrDeviceCodeNotFound):
		entry.Error = msgInvalidCode
	default:
		h.unavailable(w, r, "decide device request failed", err)
		return
	}
	h.showEntry(w, r, who.User, entry)
}
