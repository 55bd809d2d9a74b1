package consent

import (
	"errors"
	"net/http"
	"slices"
	"strings"
)

// Paths of the consent pages, absolute: the server mounts the Handler at the root.
const (
	PathDevice         = "/device"
	PathDeviceDecision = "/device/decision"
	PathLogin          = "/login"
	PathLogout         = "/logout"
	// PathInvitationAccept is the page an invitation email links to, with ?token=.
	PathInvitationAccept = "/invitations/accept"
	// PathDevices lists the signed-in person's devices; the others are its buttons.
	PathDevices       = "/devices"
	PathDevicesLock   = "/devices/lock"
	PathDevicesUnlock = "/devices/unlock"
	PathDevicesDelete = "/devices/delete"
)

// maxBodyBytes caps a form body; the largest form holds a few short fields.
const maxBodyBytes = 64 << 10

// route is the handler of each method of one path.
type route map[string]http.Handler

// routeTable registers every page, with its methods, in one place. Every handler runs
// behind the CSRF check.
func (h *Handler) routeTable() map[string]route {
	p := h.protect
	return map[string]route{
		PathDevice: {
			http.MethodGet:  p(h.deviceForm),
			http.MethodPost: p(h.deviceSubmit),
		},
		PathDeviceDecision: {
			http.MethodPost: p(h.deviceDecision),
		},
		PathLogin: {
			http.MethodGet:  p(h.loginForm),
			http.MethodPost: p(h.loginSubmit),
		},
		PathLogout: {
			http.MethodPost: p(h.logout),
		},
		PathInvitationAccept: {
			http.MethodGet:  p(h.invitationForm),
			http.MethodPost: p(h.invitationSubmit),
		},
		PathDevices: {
			http.MethodGet: p(h.devicesList),
		},
		PathDevicesLock: {
			http.MethodPost: p(h.manageDevice(lockAction)),
		},
		PathDevicesUnlock: {
			http.MethodPost: p(h.manageDevice(unlockAction)),
		},
		PathDevicesDelete: {
			http.MethodPost: p(h.manageDevice(deleteAction)),
		},
	}
}

// serve sets the headers every page gets, finds the route, reads the form and runs the
// route's handler.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request) {
	setSecurityHeaders(w.Header(), h.pages.csp)

	// Route: unknown path, 404; known path with another method, 405 with Allow.
	rt, ok := h.routes[r.URL.Path]
	if !ok {
		h.renderStatus(w, r, http.StatusNotFound)
		return
	}
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	next, ok := rt[method]
	if !ok {
		w.Header().Set("Allow", allowed(rt))
		h.renderStatus(w, r, http.StatusMethodNotAllowed)
		return
	}

	// Read the form before gorilla/csrf does, so that a body too large or malformed
	// is a 413 or 400 page rather than a missing token.
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.renderStatus(w, r, http.StatusRequestEntityTooLarge)
			return
		}
		h.renderStatus(w, r, http.StatusBadRequest)
		return
	}

	r, ok = h.prepareOrigin(r)
	if !ok {
		h.csrfFailed(w, r)
		return
	}
	next.ServeHTTP(w, r)
}

// setSecurityHeaders keeps the pages out of caches and frames (an approval page under
// a transparent frame is a click away from approving an attacker's device) and keeps
// the user code of the first URL out of Referer headers.
func setSecurityHeaders(hdr http.Header, csp string) {
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Pragma", "no-cache")
	hdr.Set("X-Frame-Options", "DENY")
	hdr.Set("Content-Security-Policy", csp)
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("X-Content-Type-Options", "nosniff")
}

// allowed lists the methods of rt for an Allow header, HEAD along with GET.
func allowed(rt route) string {
	var ms []string
	for m := range rt {
		ms = append(ms, m)
		if m == http.MethodGet {
			ms = append(ms, http.MethodHead)
		}
	}
	slices.Sort(ms)
	return strings.Join(ms, ", ")
}
