package rbac

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"
)

const (
	// maxRevocationBody bounds the revocation list response, about 400,000 device ids.
	maxRevocationBody = 16 << 20
	// failureLogEvery spaces out log lines while the revocation list stays unreachable.
	failureLogEvery = time.Minute
)

// revocationList is the in-memory set of revoked device ids, fetched from the issuer's
// revoked_devices_endpoint. It keeps the last good list when a fetch fails.
type revocationList struct {
	endpoint     string
	clientID     string
	clientSecret string
	client       *http.Client
	every        time.Duration
	timeout      time.Duration
	now          func() time.Time
	log          *slog.Logger

	// fetchMu lets one fetch run at a time, so a stale list is fetched once, not once
	// per waiting request.
	fetchMu sync.Mutex

	mu        sync.RWMutex
	ids       map[string]struct{}
	fetchedAt time.Time // of the last good list; zero until the first
	triedAt   time.Time // of the last attempt, good or not
	failing   bool      // the last attempt failed
	loggedAt  time.Time // of the last failure logged
}

func newRevocationList(cfg VerifierConfig, endpoint string) *revocationList {
	return &revocationList{
		endpoint:     endpoint,
		clientID:     cfg.ClientID,
		clientSecret: cfg.ClientSecret,
		client:       cfg.HTTPClient,
		every:        cfg.RevocationRefresh,
		timeout:      min(max(cfg.RevocationRefresh, time.Second), defaultHTTPTimeout),
		now:          cfg.Now,
		log:          cfg.Logger,
	}
}

// run refreshes the list every l.every until ctx is done.
func (l *revocationList) run(ctx context.Context) {
	tick := time.NewTicker(l.every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			l.refresh(ctx)
		}
	}
}

// contains reports whether deviceID is revoked. It first re-fetches a list older than
// twice the refresh interval, and fails with ErrRevocationUnavailable while no list has
// ever been fetched.
func (l *revocationList) contains(ctx context.Context, deviceID string) (bool, error) {
	if l.stale() {
		l.fetchMu.Lock()
		if l.stale() {
			l.refreshLocked(ctx)
		}
		l.fetchMu.Unlock()
	}

	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.fetchedAt.IsZero() {
		return false, ErrRevocationUnavailable
	}
	_, revoked := l.ids[deviceID]
	return revoked, nil
}

// stale reports whether the list is older than twice the refresh interval and no
// attempt was made within the last interval.
func (l *revocationList) stale() bool {
	now := l.now()
	l.mu.RLock()
	defer l.mu.RUnlock()
	old := l.fetchedAt.IsZero() || now.Sub(l.fetchedAt) > 2*l.every
	return old && (l.triedAt.IsZero() || now.Sub(l.triedAt) >= l.every)
}

// refresh fetches the list once, keeping the last good one on failure.
func (l *revocationList) refresh(ctx context.Context) {
	l.fetchMu.Lock()
	defer l.fetchMu.Unlock()
	l.refreshLocked(ctx)
}

// refreshLocked is refresh for a caller holding fetchMu.
func (l *revocationList) refreshLocked(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, l.timeout)
	defer cancel()
	ids, err := l.fetch(ctx)

	now := l.now()
	l.mu.Lock()
	l.triedAt = now
	if err == nil {
		l.ids = ids
		l.fetchedAt = now
	}
	recovered := err == nil && l.failing
	logFailure := err != nil && (!l.failing || now.Sub(l.loggedAt) >= failureLogEvery)
	if logFailure {
		l.loggedAt = now
	}
	l.failing = err != nil
	haveList := !l.fetchedAt.IsZero()
	lastGood := l.fetchedAt
	l.mu.Unlock()

	switch {
	case recovered:
		l.log.InfoContext(ctx, "device revocation list fetched again",
			"endpoint", l.endpoint, "revoked_devices", len(ids))
	case logFailure && haveList:
		l.log.WarnContext(ctx, "device revocation list fetch failed; keeping the last good list",
			"endpoint", l.endpoint, "error", err, "last_good_at", lastGood)
	case logFailure:
		l.log.ErrorContext(ctx, "device revocation list fetch failed; refusing every token "+
			"until it succeeds", "endpoint", l.endpoint, "error", err)
	}
}

// fetch asks the issuer for the current list of revoked device ids.
func (l *revocationList) fetch(ctx context.Context) (map[string]struct{}, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, l.endpoint, nil)
	if err != nil {
		return nil, fmt.Errorf("rbac: revocation list request: %w", err)
	}
	// RFC 6749 §2.3.1: form-encode the client id and secret, then send them with
	// HTTP Basic (RFC 7617).
	req.SetBasicAuth(url.QueryEscape(l.clientID), url.QueryEscape(l.clientSecret))
	req.Header.Set("Accept", "application/json")

	resp, err := l.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("rbac: revocation list: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		return nil, fmt.Errorf("rbac: revocation list: status %d", resp.StatusCode)
	}

	var body struct {
		IDs *[]string `json:"revoked_device_ids"`
	}
	dec := json.NewDecoder(io.LimitReader(resp.Body, maxRevocationBody))
	if err := dec.Decode(&body); err != nil {
		return nil, fmt.Errorf("rbac: revocation list body: %w", err)
	}
	if body.IDs == nil {
		return nil, errors.New("rbac: revocation list body has no revoked_device_ids")
	}

	ids := make(map[string]struct{}, len(*body.IDs))
	for _, id := range *body.IDs {
		ids[id] = struct{}{}
	}
	return ids, nil
}
