package provider

import (
	"context"
	"net"
	"net/http"

	"github.com/ory/fosite"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// audit records ev; a failure to record is logged, not returned, since the action it
// describes has already happened.
func (p *Provider) audit(ctx context.Context, ev storage.AuditEvent) {
	if err := p.store.RecordAudit(ctx, ev); err != nil {
		p.log.ErrorContext(ctx, "audit event not recorded", "type", ev.Type, "device_id", ev.DeviceID, "error", err)
	}
}

// Audit records an audit event for other packages (the management API, the pages).
func (p *Provider) Audit(ctx context.Context, ev storage.AuditEvent) { p.audit(ctx, ev) }

// clientIPFromRequest is the request's remote address; X-Forwarded-For is not trusted.
func clientIPFromRequest(r *http.Request) string {
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return ip
}

// clientIP is clientIPFromRequest for the HTTP request fosite keeps in ctx, or "".
func clientIP(ctx context.Context) string {
	r, ok := ctx.Value(fosite.RequestContextKey).(*http.Request)
	if !ok {
		return ""
	}
	return clientIPFromRequest(r)
}
