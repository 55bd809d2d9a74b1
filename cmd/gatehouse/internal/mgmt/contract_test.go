package mgmt

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestContractRoundTrip decodes one object of each kind, written out by hand with the
// field names of the API's documentation, and encodes it again: every field must come
// back with the same name and value, so that -o json shows the API's objects as they
// are and a misspelt tag cannot hide.
func TestContractRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		into any
	}{
		{"me", `{"user": {"id": "usr_1", "email": "a@example.com", "name": "A"},
			"organizations": [{"id": "org_1", "name": "Acme", "role": "admin"}]}`, &Me{}},
		{"org", `{"id": "org_1", "name": "Acme", "role": "admin",
			"created_at": "2026-03-14T09:26:53Z"}`, &Org{}},
		{"org detail", `{"id": "org_1", "name": "Acme", "role": "editor",
			"created_at": "2026-03-14T09:26:53.123Z", "member_count": 3, "tenant_count": 1}`, &OrgDetail{}},
		{"member", `{"user_id": "usr_1", "email": "a@example.com", "name": "A", "role": "viewer"}`, &Member{}},
		{"invitation", `{"id": "inv_1", "email": "c@example.com", "role": "editor", "status": "pending",
			"invited_by": "usr_1", "created_at": "2026-03-14T09:26:53Z",
			"expires_at": "2026-03-21T09:26:53Z"}`, &Invitation{}},
		{"tenant", `{"id": "tnt_1", "name": "Notes", "url": "https://notes.example",
			"client_id": "tenant-notes", "created_at": "2026-03-14T09:26:53Z"}`, &Tenant{}},
		{"new tenant", `{"id": "tnt_1", "name": "Notes", "url": "https://notes.example",
			"client_id": "tenant-notes", "created_at": "2026-03-14T09:26:53Z",
			"client_secret": "s3cret"}`, &NewTenant{}},
		{"billing", `{"plan": "team", "billing_email": "b@example.com"}`, &Billing{}},
		{"device", `{"id": "dev_1", "status": "locked", "trusted": true, "client_id": "gatehouse-cli",
			"hostname": "laptop", "os": "linux/amd64", "client_version": "1.0.0",
			"ip_address": "203.0.113.7", "created_at": "2026-03-14T09:26:53Z",
			"last_seen_at": "2026-03-14T10:00:00.5+01:00", "expires_at": "2026-04-13T09:26:53Z",
			"tenant": "https://notes.example", "user_id": "usr_1", "org_id": "org_1"}`, &Device{}},
		{"audit event", `{"id": "1773480413000-0", "type": "device.locked",
			"time": "2026-03-14T09:26:53Z", "actor_id": "usr_1", "org_id": "org_1",
			"device_id": "dev_1", "target_id": "usr_2", "ip_address": "203.0.113.7",
			"detail": "by an admin"}`, &AuditEvent{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := json.Unmarshal([]byte(tt.doc), tt.into); err != nil {
				t.Fatal(err)
			}
			again, err := json.Marshal(tt.into)
			if err != nil {
				t.Fatal(err)
			}
			var want, got any
			if err := json.Unmarshal([]byte(tt.doc), &want); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(again, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("round trip changed the object:\n got %s\nwant %s", again, tt.doc)
			}
		})
	}
}
