package api

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/rbac"
	"github.com/gatehouse-auth/gatehouse/storage"
)

// auditEvents reads an {"events": [...]} answer, each event with every field present.
func auditEvents(t *testing.T, r response) []map[string]any {
	t.Helper()
	r.want(t, http.StatusOK, "")
	list, ok := r.body["events"].([]any)
	if !ok {
		t.Fatalf("no events array: %s", r.raw)
	}
	out := make([]map[string]any, 0, len(list))
	for _, e := range list {
		ev := e.(map[string]any)
		for _, k := range []string{"id", "type", "time", "actor_id", "org_id", "device_id",
			"target_id", "ip_address", "detail"} {
			if _, ok := ev[k].(string); !ok {
				t.Errorf("event %v: %s is missing or not a string", ev, k)
			}
		}
		out = append(out, ev)
	}
	return out
}

// TestAuditTrail makes one organization's members change roles, leave and lock
// devices through the API, then reads the trail as its admin, as an editor and as the
// people involved.
func TestAuditTrail(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	org := f.newOrg("Acme", acme)
	f.newTenant(org, "https://notes.example.com")
	ada, eve, vic, tom := f.person("ada").user.ID, f.person("eve").user.ID, f.person("vic").user.ID,
		f.person("tom").user.ID
	f.person("bob")
	notes := f.connect(f.people["vic"].user, "https://notes.example.com")
	own := f.connect(f.people["vic"].user, "")
	started := time.Now()

	step := func(who, method, path string, body any, status int) {
		t.Helper()
		f.call(who, method, path, body).want(t, status, "")
	}
	orgPath := "/api/v1/orgs/" + org
	step("eve", http.MethodPatch, orgPath+"/members/"+tom, map[string]string{"role": "editor"}, 200)
	step("ada", http.MethodDelete, orgPath+"/members/"+tom, nil, 204)
	step("ada", http.MethodPost, orgPath+"/devices/"+notes.deviceID+"/lock", nil, 200)
	// The admin's lock is the admin's to lift: the owner's unlock is refused.
	step("vic", http.MethodPost, "/api/v1/devices/"+notes.deviceID+"/unlock", nil, 409)
	step("ada", http.MethodPost, orgPath+"/devices/"+notes.deviceID+"/unlock", nil, 200)
	step("vic", http.MethodDelete, "/api/v1/devices/"+notes.deviceID, nil, 204)
	// What the token endpoint records of a replayed device code: no actor, no target.
	replay := storage.AuditEvent{Type: storage.AuditDeviceCodeReplay, DeviceID: own.deviceID,
		IP: "127.0.0.1", Detail: "device_code presented again"}
	if err := f.store.RecordAudit(context.Background(), replay); err != nil {
		t.Fatal(err)
	}
	step("vic", http.MethodDelete, orgPath+"/members/"+vic, nil, 204)
	// Refused requests leave no trace.
	step("eve", http.MethodDelete, orgPath+"/members/"+ada, nil, 403)
	step("eve", http.MethodPost, orgPath+"/devices/"+notes.deviceID+"/lock", nil, 403)

	type event struct{ typ, actor, org, device, target, detail string }
	roleChanged := event{storage.AuditRoleChanged, eve, org, "", tom, "viewer -> editor"}
	removed := event{storage.AuditMemberRemoved, ada, org, "", tom, "removed; was editor"}
	locked := event{storage.AuditDeviceLocked, ada, org, notes.deviceID, vic, "by an organization admin"}
	unlocked := event{storage.AuditDeviceUnlocked, ada, org, notes.deviceID, vic, "by an organization admin"}
	deleted := event{storage.AuditDeviceDeleted, vic, org, notes.deviceID, vic, "by the owner"}
	replayed := event{storage.AuditDeviceCodeReplay, "", "", own.deviceID, "", "device_code presented again"}
	left := event{storage.AuditMemberRemoved, vic, org, "", vic, "left; was viewer"}

	tests := []struct {
		name  string
		who   string
		query string
		want  []event
	}{
		{"the organization's, for its admin", "ada", "?org=" + org,
			[]event{left, deleted, unlocked, locked, removed, roleChanged}},
		{"the organization's, the newest two", "ada", "?org=" + org + "&limit=2", []event{left, deleted}},
		// The lock is the admin's, on a device since deleted: it is vic's as its target.
		{"the owner's: what they did and what was done to their devices", "vic", "",
			[]event{left, replayed, deleted, unlocked, locked}},
		{"the editor's own", "eve", "", []event{roleChanged}},
		{"the admin's own", "ada", "", []event{unlocked, locked, removed}},
		{"the member whose role changed, with no device, sees none of it", "tom", "", nil},
		{"someone outside", "bob", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := auditEvents(t, f.call(tt.who, http.MethodGet, "/api/v1/audit"+tt.query, nil))

			if len(got) != len(tt.want) {
				t.Fatalf("%d events, want %d: %v", len(got), len(tt.want), got)
			}
			for i, w := range tt.want {
				g := got[i]
				have := event{g["type"].(string), g["actor_id"].(string), g["org_id"].(string),
					g["device_id"].(string), g["target_id"].(string), g["detail"].(string)}
				if have != w {
					t.Errorf("event %d = %+v, want %+v", i, have, w)
				}
				if g["ip_address"] != "127.0.0.1" || g["id"] == "" {
					t.Errorf("event %d: ip_address %v, id %v", i, g["ip_address"], g["id"])
				}
				at, err := time.Parse(time.RFC3339Nano, g["time"].(string))
				if err != nil || at.Location() != time.UTC || at.Before(started.Add(-time.Second)) ||
					at.After(time.Now().Add(time.Second)) {
					t.Errorf("event %d: time %v, want an RFC 3339 UTC time of this test", i, g["time"])
				}
			}
		})
	}

	t.Run("refusals", func(t *testing.T) {
		tests := []struct {
			name, who, query string
			status           int
			code, permission string
			field            string
		}{
			{"an editor asks for the organization's", "eve", "?org=" + org, 403, "forbidden",
				"admins:manage", ""},
			{"a former member asks for the organization's", "tom", "?org=" + org, 404, "not_found", "", ""},
			{"an unknown organization", "ada", "?org=nope", 404, "not_found", "", ""},
			{"an empty org", "ada", "?org=", 400, "invalid_request", "", "org"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := f.call(tt.who, http.MethodGet, "/api/v1/audit"+tt.query, nil)
				r.want(t, tt.status, tt.code)
				checkProblem(t, r, tt.permission, tt.field)
			})
		}
	})
}

func TestAuditLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ada := f.person("ada").user.ID
	org := f.newOrg("Acme", map[string]rbac.Role{"ada": rbac.RoleAdmin})
	for i := range 1005 {
		ev := storage.AuditEvent{Type: storage.AuditDeviceLocked, ActorID: ada, OrgID: org,
			DeviceID: fmt.Sprintf("dev%04d", i)}
		if err := f.store.RecordAudit(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}

	tests := []struct {
		query string
		count int
	}{
		{"", 100},
		{"?limit=1", 1},
		{"?limit=1000", 1000},
		{"?org=" + org + "&limit=7", 7},
		{"?limit=0", 0},
		{"?limit=-1", 0},
		{"?limit=1001", 0},
		{"?limit=ten", 0},
		{"?limit=2.5", 0},
		{"?limit=", 100},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			r := f.call("ada", http.MethodGet, "/api/v1/audit"+tt.query, nil)
			if tt.count == 0 {
				r.want(t, http.StatusBadRequest, "invalid_request")
				checkProblem(t, r, "", "limit")
				return
			}
			got := auditEvents(t, r)
			if len(got) != tt.count {
				t.Fatalf("%d events, want %d", len(got), tt.count)
			}
			if got[0]["device_id"] != "dev1004" {
				t.Errorf("first event is %v, want the newest, dev1004", got[0]["device_id"])
			}
		})
	}
}
