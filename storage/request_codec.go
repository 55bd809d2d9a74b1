package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/ory/fosite"
	"github.com/redis/go-redis/v9"
)

// storedForm lists the request parameters worth keeping with a token session. Anything
// else (client_secret, device_code, refresh_token, passwords) is dropped before storage.
var storedForm = []string{"grant_type", "scope", "resource", "audience"}

// DeviceBound is implemented by sessions that belong to an authorized device. The store
// refuses the tokens of a device that is locked, deleted or past its lifetime.
type DeviceBound interface {
	AuthorizedDeviceID() string
}

type storedRequest struct {
	ID                string          `json:"id"`
	RequestedAt       time.Time       `json:"requested_at"`
	ClientID          string          `json:"client_id"`
	RequestedScopes   []string        `json:"requested_scopes"`
	GrantedScopes     []string        `json:"granted_scopes"`
	RequestedAudience []string        `json:"requested_audience"`
	GrantedAudience   []string        `json:"granted_audience"`
	Form              url.Values      `json:"form"`
	DeviceID          string          `json:"device_id,omitempty"`
	Session           json.RawMessage `json:"session"`
}

func encodeRequest(r fosite.Requester) ([]byte, error) {
	sess, err := json.Marshal(r.GetSession())
	if err != nil {
		return nil, fmt.Errorf("storage: encode session: %w", err)
	}

	form := url.Values{}
	for _, k := range storedForm {
		if v, ok := r.GetRequestForm()[k]; ok {
			form[k] = v
		}
	}

	sr := storedRequest{
		ID:                r.GetID(),
		RequestedAt:       r.GetRequestedAt(),
		ClientID:          r.GetClient().GetID(),
		RequestedScopes:   r.GetRequestedScopes(),
		GrantedScopes:     r.GetGrantedScopes(),
		RequestedAudience: r.GetRequestedAudience(),
		GrantedAudience:   r.GetGrantedAudience(),
		Form:              form,
		Session:           sess,
	}
	if db, ok := r.GetSession().(DeviceBound); ok {
		sr.DeviceID = db.AuthorizedDeviceID()
	}
	return json.Marshal(sr)
}

// decodeRequest rebuilds a fosite request, decoding the session into the session value
// fosite handed us. It loads the client and, for a device-bound grant, the device's
// state in one round trip; usable is nil when the device may still use its tokens.
func (s *Store) decodeRequest(ctx context.Context, data []byte, sess fosite.Session) (req *fosite.Request, usable, err error) {
	var sr storedRequest
	if err := json.Unmarshal(data, &sr); err != nil {
		return nil, nil, fmt.Errorf("storage: decode request: %w", err)
	}
	if sess == nil {
		// fosite's revocation handler passes no session: it needs only the request id
		// and the client.
		sess = &opaqueSession{Raw: sr.Session}
	} else if err := json.Unmarshal(sr.Session, sess); err != nil {
		return nil, nil, fmt.Errorf("storage: decode session: %w", err)
	}

	pipe := s.rdb.Pipeline()
	clientCmd := pipe.Get(ctx, keyClient+sr.ClientID)
	var deviceCmd *redis.SliceCmd
	if sr.DeviceID != "" {
		deviceCmd = pipe.HMGet(ctx, keyDevice+sr.DeviceID, "status", "expires_at")
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, nil, fmt.Errorf("storage: load request %s: %w", sr.ID, err)
	}

	client, err := decodeClient(sr.ClientID, clientCmd)
	if err != nil {
		return nil, nil, err
	}
	if deviceCmd != nil {
		usable = s.deviceUsable(sr.DeviceID, deviceCmd.Val())
	}

	req = &fosite.Request{
		ID:                sr.ID,
		RequestedAt:       sr.RequestedAt,
		Client:            client,
		RequestedScope:    sr.RequestedScopes,
		GrantedScope:      sr.GrantedScopes,
		RequestedAudience: sr.RequestedAudience,
		GrantedAudience:   sr.GrantedAudience,
		Form:              sr.Form,
		Session:           sess,
	}
	return req, usable, nil
}

// opaqueSession stands for a session that the caller did not ask to decode.
type opaqueSession struct {
	Raw json.RawMessage
}

func (o *opaqueSession) SetExpiresAt(fosite.TokenType, time.Time) {}
func (o *opaqueSession) GetExpiresAt(fosite.TokenType) time.Time  { return time.Time{} }
func (o *opaqueSession) GetUsername() string                      { return "" }
func (o *opaqueSession) GetSubject() string                       { return "" }
func (o *opaqueSession) Clone() fosite.Session                    { c := *o; return &c }
