package provider

import (
	"context"
	"net/http"
	"time"
)

// Healthz answers 200 while the process serves HTTP.
func (p *Provider) Healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// Readyz answers 200 when Redis is reachable and 503 when it is not.
func (p *Provider) Readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := p.store.Ping(ctx); err != nil {
		p.log.ErrorContext(ctx, "readiness check failed: redis unreachable", "error", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "redis unreachable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}
