package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"time"

	"github.com/ory/fosite"
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

// decodeRequest rebuilds a fosite request, loading its client and decoding the session
// into the session value fosite handed us.
func (s *Store) decodeRequest(ctx context.Context, data []byte, sess fosite.Session) (*fosite.Request, *storedRequest, error) {
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

	client, err := s.GetClient(ctx, sr.ClientID)
	if err != nil {
		return nil, nil, err
	}

	req := &fosite.Request{
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
	return req, &sr, nil
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
