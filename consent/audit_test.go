package consent_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/consent"
	"github.com/gatehouse-auth/gatehouse/storage"
)

// audits is the audit trail as it stands, oldest first.
func (e *env) audits() []*storage.AuditEvent {
	e.t.Helper()
	evs, err := e.st.AuditEvents(context.Background(), 100, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	for i, j := 0, len(evs)-1; i < j; i, j = i+1, j-1 {
		evs[i], evs[j] = evs[j], evs[i]
	}
	return evs
}

// wantAudit fails the test unless the trail holds exactly one event, like want apart
// from its ID and Time.
func (e *env) wantAudit(want storage.AuditEvent) {
	e.t.Helper()
	evs := e.audits()
	if len(evs) != 1 {
		e.t.Fatalf("audit trail %+v, want one %s event", evs, want.Type)
	}
	got := *evs[0]
	got.ID, got.Time = "", want.Time
	if got != want {
		e.t.Errorf("audit event %+v, want %+v", got, want)
	}
}

func TestAuditDecisions(t *testing.T) {
	refuse := func(context.Context, *storage.User, *storage.DeviceRequest) (storage.Approval, error) {
		return storage.Approval{OrgID: "org1"}, &consent.RefusalError{Message: "Not in org1."}
	}
	tests := []struct {
		name      string
		authorize func(context.Context, *storage.User, *storage.DeviceRequest) (storage.Approval, error)
		form      url.Values
		typ       string
		orgID     string
		detail    string
	}{
		{"approve", nil, url.Values{"action": {"approve"}},
			storage.AuditDeviceApproved, "", "untrusted"},
		{"approve trusted", nil, url.Values{"action": {"approve"}, "trust": {"on"}},
			storage.AuditDeviceApproved, "", "trusted"},
		{"deny", nil, url.Values{"action": {"deny"}},
			storage.AuditDeviceDenied, "", ""},
		{"refused", refuse, url.Values{"action": {"approve"}},
			storage.AuditDeviceDenied, "org1", "Not in org1."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(c *consent.Config) { c.Authorize = tt.authorize })
			b := e.browser().signIn()
			code, req := e.newDevice()
			b.submit("/device", url.Values{"user_code": {code}})
			tt.form.Set("user_code", code)
			b.submit("/device/decision", tt.form).want(http.StatusOK)

			e.wantAudit(storage.AuditEvent{Type: tt.typ, ActorID: e.user.ID, OrgID: tt.orgID,
				DeviceID: req.ID, IP: "127.0.0.1", Detail: tt.detail})
		})
	}
}

func TestAuditFailureKeepsDecision(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser().signIn()
	code, _ := e.newDevice()
	b.submit("/device", url.Values{"user_code": {code}})

	// A string where the stream should be makes every XADD fail.
	if err := e.mr.Set("gh:audit", "not a stream"); err != nil {
		t.Fatal(err)
	}
	b.submit("/device/decision", url.Values{"user_code": {code}, "action": {"approve"}})
	b.want(http.StatusOK, "Device approved")

	if st := e.request(code).Status; st != storage.DeviceCodeApproved {
		t.Errorf("request is %s, want approved", st)
	}
	logs := e.logs.String()
	if !strings.Contains(logs, "level=ERROR") || !strings.Contains(logs, "record audit event failed") {
		t.Errorf("the failure was not logged at error level:\n%s", logs)
	}
}
