package storage_test

import (
	"crypto/rand"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/ory/fosite"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// newCodes returns a fresh device code and user code, each unlike anything else the
// suite stores, so that finding one in Redis can only mean it was stored.
func newCodes() (deviceCode, userCode string) {
	const consonants = "BCDFGHJKLMNPQRSTVWXZ"
	b := make([]byte, 8)
	rand.Read(b)
	for i := range b {
		b[i] = consonants[int(b[i])%len(consonants)]
	}
	return "DC" + rand.Text(), string(b)
}

// pollStep advances the clock by wait, polls, and expects an outcome and interval.
type pollStep struct {
	wait     time.Duration
	outcome  storage.PollOutcome
	interval time.Duration
}

var deviceCodeCases = []conformanceCase{
	{"create and load by user code", func(t *testing.T, e *env) {
		dc, uc := newCodes()
		want := e.newDeviceRequest(t, dc, uc)

		got, err := e.store.DeviceRequestByUserCode(e.ctx, uc)
		if err != nil {
			t.Fatalf("DeviceRequestByUserCode: %v", err)
		}
		if got.Status != storage.DeviceCodePending || got.Interval != 5*time.Second || got.Approval != nil {
			t.Errorf("status %s interval %v approval %v, want pending, 5s, none",
				got.Status, got.Interval, got.Approval)
		}
		got.Status, got.Interval = want.Status, want.Interval
		if !got.CreatedAt.Equal(want.CreatedAt) || !got.ExpiresAt.Equal(want.ExpiresAt) {
			t.Errorf("created %v expires %v, want %v %v", got.CreatedAt, got.ExpiresAt, want.CreatedAt, want.ExpiresAt)
		}
		got.CreatedAt, got.ExpiresAt = want.CreatedAt, want.ExpiresAt
		if !reflect.DeepEqual(got, want) {
			t.Errorf("request = %+v, want %+v", got, want)
		}

		_, err = e.store.DeviceRequestByUserCode(e.ctx, "XXXXXXXX")
		if !errors.Is(err, storage.ErrDeviceCodeNotFound) {
			t.Errorf("DeviceRequestByUserCode(unknown) = %v, want ErrDeviceCodeNotFound", err)
		}
	}},

	{"user code in use is ErrUserCodeTaken and keeps the first request", func(t *testing.T, e *env) {
		dc1, uc := newCodes()
		first := e.newDeviceRequest(t, dc1, uc)
		dc2, _ := newCodes()
		second := *first
		second.ID = storage.NewID()
		if err := e.store.CreateDeviceRequest(e.ctx, dc2, uc, &second); !errors.Is(err, storage.ErrUserCodeTaken) {
			t.Fatalf("CreateDeviceRequest(same user code) = %v, want ErrUserCodeTaken", err)
		}

		got, err := e.store.DeviceRequestByUserCode(e.ctx, uc)
		if err != nil || got.ID != first.ID {
			t.Errorf("user code now leads to %v (%v), want the first request %s", got, err, first.ID)
		}
		if res := e.poll(t, dc2, cliClientID); res.Outcome != storage.PollNotFound {
			t.Errorf("poll of the refused device code = %s, want not_found", res.Outcome)
		}
		if res := e.poll(t, dc1, cliClientID); res.Outcome != storage.PollPending {
			t.Errorf("poll of the first device code = %s, want pending", res.Outcome)
		}
	}},

	// RFC 8628 §3.5: slow_down for a poll sooner than the interval, which then grows by
	// five seconds; pacing counts from the previous poll, never from issuance.
	{"poll pacing", func(t *testing.T, e *env) {
		kept := []pollStep{
			{0, storage.PollPending, 5 * time.Second},
			{time.Second, storage.PollSlowDown, 10 * time.Second},
		}
		for _, jitter := range []time.Duration{-500, 0, 500, -300, 100, -499, 250, -1, 499, -500} {
			wait := 10*time.Second + jitter*time.Millisecond
			kept = append(kept, pollStep{wait, storage.PollPending, 10 * time.Second})
		}
		tests := []struct {
			name  string
			steps []pollStep
		}{
			{"first poll right after creation", []pollStep{{0, storage.PollPending, 5 * time.Second}}},
			{"first poll late", []pollStep{{time.Minute, storage.PollPending, 5 * time.Second}}},
			{"early poll slows down, then the raised interval kept with jitter is pending", kept},
			{"on time within the tolerance", []pollStep{
				{0, storage.PollPending, 5 * time.Second},
				{4500 * time.Millisecond, storage.PollPending, 5 * time.Second},
				{5 * time.Second, storage.PollPending, 5 * time.Second},
			}},
			{"just past the tolerance", []pollStep{
				{0, storage.PollPending, 5 * time.Second},
				{4499 * time.Millisecond, storage.PollSlowDown, 10 * time.Second},
			}},
			{"still early after slow_down slows down again", []pollStep{
				{0, storage.PollPending, 5 * time.Second},
				{time.Second, storage.PollSlowDown, 10 * time.Second},
				{9499 * time.Millisecond, storage.PollSlowDown, 15 * time.Second},
				{15 * time.Second, storage.PollPending, 15 * time.Second},
			}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				dc, uc := newCodes()
				e.newDeviceRequest(t, dc, uc)
				for i, s := range tt.steps {
					e.clock.Add(s.wait)
					res := e.poll(t, dc, cliClientID)
					if res.Outcome != s.outcome || res.Interval != s.interval {
						t.Fatalf("poll %d after %v: %s with interval %v, want %s with %v",
							i, s.wait, res.Outcome, res.Interval, s.outcome, s.interval)
					}
				}
			})
		}
	}},

	{"approved code is handed out to exactly one of 50 polls", func(t *testing.T, e *env) {
		dc, uc := newCodes()
		req := e.newDeviceRequest(t, dc, uc)
		a := e.approval()
		if _, err := e.store.ApproveDeviceRequest(e.ctx, uc, a); err != nil {
			t.Fatalf("ApproveDeviceRequest: %v", err)
		}

		const n = 50
		results := make([]storage.PollResult, n)
		errs := make([]error, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				<-start
				results[i], errs[i] = e.store.PollDeviceCode(e.ctx, dc, cliClientID, pacing)
			})
		}
		close(start)
		wg.Wait()

		counts := map[storage.PollOutcome]int{}
		for i, res := range results {
			if errs[i] != nil {
				t.Fatalf("poll %d: %v", i, errs[i])
			}
			counts[res.Outcome]++
			if res.Outcome != storage.PollApproved {
				continue
			}
			got := res.Request
			if got == nil || got.ID != req.ID || got.ClientID != cliClientID || got.Approval == nil {
				t.Fatalf("approved poll carries %+v, want request %s with its approval", got, req.ID)
			}
			if got.Approval.UserID != a.UserID || !got.Approval.ExpiresAt.Equal(a.ExpiresAt) ||
				got.Approval.TenantID != a.TenantID || got.Approval.OrgRole != a.OrgRole || !got.Approval.Trusted {
				t.Errorf("approval = %+v, want %+v", got.Approval, a)
			}
		}
		if counts[storage.PollApproved] != 1 || counts[storage.PollConsumed] != n-1 {
			t.Errorf("outcomes of %d concurrent polls: %v, want 1 approved and %d consumed", n, counts, n-1)
		}

		res := e.poll(t, dc, cliClientID)
		if res.Outcome != storage.PollConsumed || res.Request == nil || res.Request.ID != req.ID {
			t.Errorf("later poll = %s with %+v, want consumed with request %s", res.Outcome, res.Request, req.ID)
		}
	}},

	{"denied is denied for good", func(t *testing.T, e *env) {
		dc, uc := newCodes()
		req := e.newDeviceRequest(t, dc, uc)
		e.poll(t, dc, cliClientID)
		if err := e.store.DenyDeviceRequest(e.ctx, uc, "user-1"); err != nil {
			t.Fatalf("DenyDeviceRequest: %v", err)
		}

		for i, wait := range []time.Duration{5 * time.Second, 0, time.Second, 5 * time.Minute} {
			e.clock.Add(wait)
			if res := e.poll(t, dc, cliClientID); res.Outcome != storage.PollDenied {
				t.Fatalf("poll %d after denial: %s, want denied", i, res.Outcome)
			}
		}
		_, err := e.store.ApproveDeviceRequest(e.ctx, uc, e.approval())
		if !errors.Is(err, storage.ErrDeviceCodeDecided) {
			t.Errorf("ApproveDeviceRequest after denial = %v, want ErrDeviceCodeDecided", err)
		}
		if err := e.store.DenyDeviceRequest(e.ctx, uc, "user-1"); !errors.Is(err, storage.ErrDeviceCodeDecided) {
			t.Errorf("DenyDeviceRequest twice = %v, want ErrDeviceCodeDecided", err)
		}
		if _, err := e.store.Device(e.ctx, req.ID); !errors.Is(err, fosite.ErrNotFound) {
			t.Errorf("Device of a denied request = %v, want fosite.ErrNotFound", err)
		}
	}},

	{"expired whatever the state", func(t *testing.T, e *env) {
		tests := []struct {
			name  string
			reach func(t *testing.T, dc, uc string)
		}{
			{"pending", func(*testing.T, string, string) {}},
			{"approved", func(t *testing.T, _, uc string) {
				if _, err := e.store.ApproveDeviceRequest(e.ctx, uc, e.approval()); err != nil {
					t.Fatalf("ApproveDeviceRequest: %v", err)
				}
			}},
			{"denied", func(t *testing.T, _, uc string) {
				if err := e.store.DenyDeviceRequest(e.ctx, uc, "user-1"); err != nil {
					t.Fatalf("DenyDeviceRequest: %v", err)
				}
			}},
			{"consumed", func(t *testing.T, dc, uc string) {
				if _, err := e.store.ApproveDeviceRequest(e.ctx, uc, e.approval()); err != nil {
					t.Fatalf("ApproveDeviceRequest: %v", err)
				}
				if res := e.poll(t, dc, cliClientID); res.Outcome != storage.PollApproved {
					t.Fatalf("poll = %s, want approved", res.Outcome)
				}
			}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				dc, uc := newCodes()
				e.newDeviceRequest(t, dc, uc)
				tt.reach(t, dc, uc)
				e.clock.Add(10 * time.Minute)
				defer e.clock.Add(-10 * time.Minute)

				if res := e.poll(t, dc, cliClientID); res.Outcome != storage.PollExpired || res.Request != nil {
					t.Errorf("poll at expiry = %s with %v, want expired and no request", res.Outcome, res.Request)
				}
				if _, err := e.store.DeviceRequestByUserCode(e.ctx, uc); !errors.Is(err, storage.ErrDeviceCodeExpired) {
					t.Errorf("DeviceRequestByUserCode at expiry = %v, want ErrDeviceCodeExpired", err)
				}
			})
		}
	}},

	{"wrong client neither answers nor disturbs", func(t *testing.T, e *env) {
		dc, uc := newCodes()
		e.newDeviceRequest(t, dc, uc)
		if res := e.poll(t, dc, cliClientID); res.Outcome != storage.PollPending {
			t.Fatalf("first poll = %s, want pending", res.Outcome)
		}
		e.clock.Add(time.Second)
		if res := e.poll(t, dc, otherClient); res.Outcome != storage.PollWrongClient || res.Request != nil {
			t.Fatalf("poll by another client = %s with %v, want wrong_client and nothing else",
				res.Outcome, res.Request)
		}
		// Five seconds after the owner's last poll: on time, whatever the other client did.
		e.clock.Add(4 * time.Second)
		if res := e.poll(t, dc, cliClientID); res.Outcome != storage.PollPending || res.Interval != 5*time.Second {
			t.Fatalf("owner's poll = %s with %v, want pending with 5s", res.Outcome, res.Interval)
		}

		if _, err := e.store.ApproveDeviceRequest(e.ctx, uc, e.approval()); err != nil {
			t.Fatalf("ApproveDeviceRequest: %v", err)
		}
		if res := e.poll(t, dc, otherClient); res.Outcome != storage.PollWrongClient || res.Request != nil {
			t.Fatalf("poll of the approved code by another client = %s, want wrong_client", res.Outcome)
		}
		if res := e.poll(t, dc, cliClientID); res.Outcome != storage.PollApproved {
			t.Errorf("owner's poll after the other client's = %s, want approved", res.Outcome)
		}
	}},

	{"unknown device code is not_found", func(t *testing.T, e *env) {
		dc, _ := newCodes()
		if res := e.poll(t, dc, cliClientID); res.Outcome != storage.PollNotFound || res.Request != nil {
			t.Errorf("poll = %s with %v, want not_found", res.Outcome, res.Request)
		}
	}},

	{"approve or deny an unknown user code", func(t *testing.T, e *env) {
		_, uc := newCodes()
		_, err := e.store.ApproveDeviceRequest(e.ctx, uc, e.approval())
		if !errors.Is(err, storage.ErrDeviceCodeNotFound) || !errors.Is(err, fosite.ErrNotFound) {
			t.Errorf("ApproveDeviceRequest(unknown) = %v, want ErrDeviceCodeNotFound wrapping fosite.ErrNotFound", err)
		}
		if err := e.store.DenyDeviceRequest(e.ctx, uc, "user-1"); !errors.Is(err, storage.ErrDeviceCodeNotFound) {
			t.Errorf("DenyDeviceRequest(unknown) = %v, want ErrDeviceCodeNotFound", err)
		}
	}},

	{"approve twice is ErrDeviceCodeDecided and keeps the first device", func(t *testing.T, e *env) {
		dc, uc := newCodes()
		req := e.newDeviceRequest(t, dc, uc)
		if _, err := e.store.ApproveDeviceRequest(e.ctx, uc, e.approval()); err != nil {
			t.Fatalf("ApproveDeviceRequest: %v", err)
		}
		again := e.approval()
		again.UserID, again.Trusted = "user-2", false
		if _, err := e.store.ApproveDeviceRequest(e.ctx, uc, again); !errors.Is(err, storage.ErrDeviceCodeDecided) {
			t.Fatalf("second ApproveDeviceRequest = %v, want ErrDeviceCodeDecided", err)
		}
		if err := e.store.DenyDeviceRequest(e.ctx, uc, "user-2"); !errors.Is(err, storage.ErrDeviceCodeDecided) {
			t.Errorf("DenyDeviceRequest after approval = %v, want ErrDeviceCodeDecided", err)
		}

		dev, err := e.store.Device(e.ctx, req.ID)
		if err != nil || dev.UserID != "user-1" || !dev.Trusted {
			t.Errorf("device after a second approval = %+v (%v), want user-1's trusted device", dev, err)
		}
		res := e.poll(t, dc, cliClientID)
		if res.Outcome != storage.PollApproved || res.Request.Approval.UserID != "user-1" {
			t.Errorf("poll = %s, want approved for user-1", res.Outcome)
		}
	}},

	{"approve after expiry is ErrDeviceCodeExpired and creates nothing", func(t *testing.T, e *env) {
		dc, uc := newCodes()
		req := e.newDeviceRequest(t, dc, uc)
		e.clock.Add(10 * time.Minute)
		_, err := e.store.ApproveDeviceRequest(e.ctx, uc, e.approval())
		if !errors.Is(err, storage.ErrDeviceCodeExpired) {
			t.Fatalf("ApproveDeviceRequest after expiry = %v, want ErrDeviceCodeExpired", err)
		}
		if err := e.store.DenyDeviceRequest(e.ctx, uc, "user-1"); !errors.Is(err, storage.ErrDeviceCodeExpired) {
			t.Errorf("DenyDeviceRequest after expiry = %v, want ErrDeviceCodeExpired", err)
		}
		if _, err := e.store.Device(e.ctx, req.ID); !errors.Is(err, fosite.ErrNotFound) {
			t.Errorf("Device = %v, want fosite.ErrNotFound", err)
		}
		if n := e.rdb.Exists(e.ctx, "gh:userdevices:user-1").Val(); n != 0 {
			t.Errorf("user device index exists after a refused approval")
		}
	}},

	{"approval creates the authorized device", func(t *testing.T, e *env) {
		dc, uc := newCodes()
		req := e.newDeviceRequest(t, dc, uc)
		e.clock.Add(30 * time.Second)
		a := e.approval()
		dev, err := e.store.ApproveDeviceRequest(e.ctx, uc, a)
		if err != nil {
			t.Fatalf("ApproveDeviceRequest: %v", err)
		}

		want := &storage.AuthorizedDevice{
			ID: req.ID, UserID: a.UserID, ClientID: cliClientID, Status: storage.DeviceActive, Trusted: true,
			Hostname: "laptop", OS: "linux", ClientName: "gatehouse", ClientVersion: "1.2.3",
			UserAgent: "gatehouse-cli/1.2.3", IPAddress: "192.0.2.7",
			CreatedAt: a.ApprovedAt, LastSeenAt: a.ApprovedAt, ExpiresAt: a.ExpiresAt,
			OrgID: a.OrgID, TenantID: a.TenantID, Resource: "https://notes.example.com",
		}
		if !reflect.DeepEqual(dev, want) {
			t.Errorf("returned device = %+v\nwant %+v", dev, want)
		}
		stored, err := e.store.Device(e.ctx, req.ID)
		if err != nil {
			t.Fatalf("Device: %v", err)
		}
		if !reflect.DeepEqual(stored, want) {
			t.Errorf("stored device = %+v\nwant %+v", stored, want)
		}
		if got := stored.EffectiveStatus(e.clock.Now()); got != storage.DeviceActive {
			t.Errorf("EffectiveStatus now = %s, want active", got)
		}
		if got := stored.EffectiveStatus(a.ExpiresAt); got != storage.DeviceExpired {
			t.Errorf("EffectiveStatus at ExpiresAt = %s, want expired", got)
		}

		// The record outlives the authorization by the retention week, shown as expired.
		wantTTL := a.ExpiresAt.Add(7 * 24 * time.Hour).Sub(time.Now())
		if ttl := e.rdb.PTTL(e.ctx, "gh:device:"+req.ID).Val(); ttl < wantTTL-time.Minute || ttl > wantTTL+time.Minute {
			t.Errorf("device PTTL = %v, want about %v", ttl, wantTTL)
		}
		if _, err := e.rdb.ZScore(e.ctx, "gh:userdevices:user-1", req.ID).Result(); err != nil {
			t.Errorf("device %s is not in user-1's device index: %v", req.ID, err)
		}
	}},
}
