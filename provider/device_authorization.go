package provider

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ory/fosite"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// deviceAuthorizationResponse is RFC 8628 §3.2.
type deviceAuthorizationResponse struct {
	DeviceCode              string `json:"device_code"`
	UserCode                string `json:"user_code"`
	VerificationURI         string `json:"verification_uri"`
	VerificationURIComplete string `json:"verification_uri_complete"`
	ExpiresIn               int64  `json:"expires_in"`
	Interval                int64  `json:"interval"`
}

// maxUserCodeDraws bounds the redraws after a user code collision.
const maxUserCodeDraws = 10

// DeviceAuthorization serves the device authorization endpoint (RFC 8628 §3.1, §3.2).
func (p *Provider) DeviceAuthorization(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()

	form, err := parseForm(w, r)
	if err != nil {
		p.writeError(ctx, w, r, err)
		return
	}

	// RFC 8628 §3.1: the client authenticates as at the token endpoint (RFC 6749 §2.3);
	// a public client sends its client_id alone.
	client, err := p.authenticateClient(ctx, r, form)
	if err != nil {
		p.writeError(ctx, w, r, err)
		return
	}
	if !client.GetGrantTypes().Has(GrantTypeDeviceCode) {
		p.writeError(ctx, w, r, fosite.ErrUnauthorizedClient.WithHint("This client may not use the device authorization grant."))
		return
	}

	scopes, err := p.checkScopes(ctx, client, form.Get("scope"))
	if err != nil {
		p.writeError(ctx, w, r, err)
		return
	}
	resources, err := p.checkResources(ctx, form["resource"])
	if err != nil {
		p.writeError(ctx, w, r, err)
		return
	}

	now := p.cfg.Now().UTC()
	req := &storage.DeviceRequest{
		ID:        storage.NewID(),
		ClientID:  client.GetID(),
		Scopes:    scopes,
		Resource:  resources,
		Details:   deviceDetails(r, form),
		CreatedAt: now,
		ExpiresAt: now.Add(p.cfg.DeviceCodeLifetime),
		Interval:  p.cfg.PollInterval,
	}

	// RFC 8628 §3.2, §5.2: a device code of 256 random bits, never stored in the clear.
	deviceCode := newDeviceCode()
	var userCode string
	for range maxUserCodeDraws {
		userCode = NewUserCode()
		err = p.store.CreateDeviceRequest(ctx, deviceCode, userCode, req)
		if !errors.Is(err, storage.ErrUserCodeTaken) {
			break
		}
	}
	if err != nil {
		p.writeError(ctx, w, r, fosite.ErrServerError.WithWrap(err))
		return
	}

	p.metrics.deviceRequests.Inc()
	p.log.InfoContext(ctx, "device authorization requested",
		"client_id", req.ClientID, "device_id", req.ID, "hostname", req.Details.Hostname,
		"ip_address", req.Details.IPAddress)

	shown := FormatUserCode(userCode)
	verification := p.cfg.Issuer + PathVerification
	writeJSON(w, http.StatusOK, deviceAuthorizationResponse{
		DeviceCode:              deviceCode,
		UserCode:                shown,
		VerificationURI:         verification,
		VerificationURIComplete: verification + "?user_code=" + url.QueryEscape(shown),
		ExpiresIn:               int64(p.cfg.DeviceCodeLifetime.Seconds()),
		Interval:                int64(p.cfg.PollInterval.Seconds()),
	})
}

func newDeviceCode() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("provider: crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// checkScopes applies RFC 6749 §3.3: every requested scope must be one the client may
// ask for. No scope at all means the client's default, openid.
func (p *Provider) checkScopes(ctx context.Context, client fosite.Client, raw string) ([]string, error) {
	requested := fosite.RemoveEmpty(strings.Split(raw, " "))
	if len(requested) == 0 {
		requested = []string{"openid"}
	}
	for _, s := range requested {
		if !p.fcfg.GetScopeStrategy(ctx)(client.GetScopes(), s) {
			return nil, fosite.ErrInvalidScope.WithHintf("The client may not request the scope '%s'.", s)
		}
	}
	return requested, nil
}

// checkResources applies RFC 8707 §2: each resource is an absolute URI without a
// fragment, and must be a tenant Gatehouse knows; no resource means Gatehouse itself.
func (p *Provider) checkResources(ctx context.Context, raw []string) ([]string, error) {
	if len(raw) > 1 {
		return nil, errInvalidTarget.WithHint("Ask for one resource per device authorization.")
	}
	if len(raw) == 0 {
		return nil, nil
	}
	uri := strings.TrimRight(raw[0], "/")
	if uri == p.cfg.Issuer {
		return nil, nil
	}

	u, err := url.Parse(uri)
	if err != nil || !u.IsAbs() || u.Fragment != "" || u.Host == "" {
		return nil, errInvalidTarget.WithHintf("The resource '%s' is not an absolute URI without a fragment.", raw[0])
	}
	res, err := p.cfg.Resources.ResolveResource(ctx, uri)
	if errors.Is(err, fosite.ErrNotFound) {
		return nil, errInvalidTarget.WithHintf("The resource '%s' is not a registered tenant.", raw[0])
	}
	if err != nil {
		return nil, fosite.ErrServerError.WithWrap(err)
	}
	return []string{res.URI}, nil
}

// Device detail parameters: Gatehouse's own, sent by gatehouse connect.
const (
	paramDeviceHostname      = "device_hostname"
	paramDeviceOS            = "device_os"
	paramDeviceClientName    = "device_client_name"
	paramDeviceClientVersion = "device_client_version"
	maxDetailLen             = 200
)

// deviceDetails keeps what the device says about itself, cleaned for display, and the
// address the request came from. X-Forwarded-For is not trusted.
func deviceDetails(r *http.Request, form url.Values) storage.DeviceDetails {
	return storage.DeviceDetails{
		Hostname:      clean(form.Get(paramDeviceHostname)),
		OS:            clean(form.Get(paramDeviceOS)),
		ClientName:    clean(form.Get(paramDeviceClientName)),
		ClientVersion: clean(form.Get(paramDeviceClientVersion)),
		UserAgent:     clean(r.UserAgent()),
		IPAddress:     clientIPFromRequest(r),
	}
}

// clean drops control and format characters (such as U+202E, which would reverse
// what the approval page shows) and cuts at maxDetailLen bytes on a rune boundary.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	for len(s) > maxDetailLen {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}
