package consent

import (
	"errors"
	"net/http"

	"github.com/ory/fosite"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// Actions of the invitation page's forms, sent in the hidden field action. The page
// shows the one form that can accept the invitation in the browser's state.
const (
	// inviteAccept: signed in as the invited account, accept.
	inviteAccept = "accept"
	// inviteSignIn: the invited account exists and nobody is signed in; its password.
	inviteSignIn = "sign_in"
	// inviteCreate: no account has the invited email and nobody is signed in; create one.
	inviteCreate = "create"
	// inviteSignOut: signed in as another account, which must sign out first.
	inviteSignOut = "sign_out"
)

// Messages of the invitation pages.
const (
	msgInviteUnknown = "This invitation link is not valid."
	msgInviteExpired = "This invitation has expired. Ask for a new one."
	msgInviteUsed    = "This invitation was already accepted."
	msgInviteRevoked = "This invitation was withdrawn."
	msgAccountExists = "An account with this email exists now. Sign in to accept."
)

// maxTokenLen bounds the token looked up; the links carry 52 characters.
const maxTokenLen = 256

// invitation is an invitation being accepted and the accounts it concerns.
type invitation struct {
	// token is the secret of the link: kept out of logs and of every URL but the link.
	token string
	inv   *storage.Invitation
	org   *storage.Organization
	// who is signed in on this browser, if anyone.
	who *signedIn
	// invitee is the account with the invited email, if there is one.
	invitee *storage.User
}

// action is the form that can accept v in the browser's state.
func (v *invitation) action() string {
	switch {
	case v.who != nil && v.invitee != nil && v.who.User.ID == v.invitee.ID:
		return inviteAccept
	case v.who != nil:
		return inviteSignOut
	case v.invitee != nil:
		return inviteSignIn
	}
	return inviteCreate
}

// invitationPage is the data of templates/invitation.html.
type invitationPage struct {
	frame
	OrgName, Role, Email string
	// Token goes into a hidden field of every form.
	Token string
	// Action is the form shown, one of the invite* constants.
	Action string
	Error  string
	// Name is shown back when the account form has an error; passwords never are.
	Name string
}

// joinedPage is the data of templates/invitation_joined.html.
type joinedPage struct {
	frame
	Heading, Message string
	// Issuer is the URL for gatehouse connect --url.
	Issuer string
}

// invitationForm serves GET /invitations/accept?token=, the page an invitation email
// links to. The token arrives in this one URL; the page carries it in form bodies.
func (h *Handler) invitationForm(w http.ResponseWriter, r *http.Request) {
	v, ok := h.loadInvitation(w, r, r.URL.Query().Get("token"))
	if !ok {
		return
	}
	h.showInvitation(w, r, v, invitationPage{})
}

// invitationSubmit serves POST /invitations/accept: token, action and the fields of
// the form the page showed.
func (h *Handler) invitationSubmit(w http.ResponseWriter, r *http.Request) {
	action := r.PostForm.Get("action")
	switch action {
	case inviteAccept, inviteSignIn, inviteCreate, inviteSignOut:
	default:
		h.renderStatus(w, r, http.StatusBadRequest)
		return
	}
	v, ok := h.loadInvitation(w, r, r.PostForm.Get("token"))
	if !ok {
		return
	}

	// Signing out shows the page again, now with the invited account's form.
	if action == inviteSignOut {
		if err := h.endSession(w, r); err != nil {
			h.unavailable(w, r, "end web session failed", err)
			return
		}
		v.who = nil
		h.showInvitation(w, r, v, invitationPage{})
		return
	}

	// The page may be older than the state (an account created since, a session that
	// ended in another tab): show the form that fits now.
	if want := v.action(); action != want {
		var p invitationPage
		if action == inviteCreate && want == inviteSignIn {
			p.Error = msgAccountExists
		}
		h.showInvitation(w, r, v, p)
		return
	}

	switch action {
	case inviteAccept:
		h.acceptInvitation(w, r, v, v.who.User)
	case inviteSignIn:
		h.signInAndAccept(w, r, v)
	case inviteCreate:
		h.createAndAccept(w, r, v)
	}
}

// loadInvitation loads the invitation of token and who it concerns. When it cannot be
// accepted it writes the page that says why (or 503) and reports false.
func (h *Handler) loadInvitation(w http.ResponseWriter, r *http.Request, token string) (
	*invitation, bool) {
	ctx := r.Context()
	if token == "" || len(token) > maxTokenLen {
		h.badInvitation(w, r, fosite.ErrNotFound, "")
		return nil, false
	}

	// The invitation and its organization; a deleted organization voids the link.
	inv, err := h.store.InvitationByToken(ctx, token)
	if err != nil {
		h.badInvitation(w, r, err, "load invitation failed")
		return nil, false
	}
	org, err := h.store.Organization(ctx, inv.OrgID)
	if err != nil {
		h.badInvitation(w, r, err, "load organization failed")
		return nil, false
	}

	// Who is signed in, and whether the invited email has an account.
	who, err := h.currentUser(ctx, r)
	if err != nil {
		h.unavailable(w, r, "load web session failed", err)
		return nil, false
	}
	invitee, err := h.store.UserByEmail(ctx, inv.Email)
	if errors.Is(err, fosite.ErrNotFound) {
		invitee, err = nil, nil
	}
	if err != nil {
		h.unavailable(w, r, "load invited user failed", err)
		return nil, false
	}
	return &invitation{token: token, inv: inv, org: org, who: who, invitee: invitee}, true
}

// badInvitation writes the page of a link that cannot be accepted: 404 for an unknown
// one, 410 for one expired, used or withdrawn. Any other err is a storage failure,
// logged as logMsg, and the 503 page.
func (h *Handler) badInvitation(w http.ResponseWriter, r *http.Request, err error, logMsg string) {
	status, heading, msg := http.StatusGone, "", ""
	switch {
	case errors.Is(err, fosite.ErrNotFound):
		status, heading, msg = http.StatusNotFound, "Invitation not found", msgInviteUnknown
	case errors.Is(err, storage.ErrInvitationExpired):
		heading, msg = "Invitation expired", msgInviteExpired
	case errors.Is(err, storage.ErrInvitationUsed):
		heading, msg = "Invitation already accepted", msgInviteUsed
	case errors.Is(err, storage.ErrInvitationRevoked):
		heading, msg = "Invitation withdrawn", msgInviteRevoked
	default:
		h.unavailable(w, r, logMsg, err)
		return
	}
	h.render(w, r, status, "status", statusPage{
		frame: newFrame(r, heading, nil), Heading: heading, Message: msg,
	})
}

// showInvitation renders the invitation page with the form that fits the browser's
// state, filling in p's invitation fields.
func (h *Handler) showInvitation(w http.ResponseWriter, r *http.Request, v *invitation,
	p invitationPage) {
	var user *storage.User
	if v.who != nil {
		user = v.who.User
	}
	p.frame = newFrame(r, "Join "+v.org.Name, user)
	p.OrgName, p.Role, p.Email, p.Token = v.org.Name, string(v.inv.Role), v.inv.Email, v.token
	p.Action = v.action()
	// The page's own Sign out button returns to it; the header's would not.
	p.HideSignOut = p.Action == inviteSignOut
	h.render(w, r, http.StatusOK, "invitation", p)
}

// acceptInvitation makes user, signed in as the invited account, a member of the
// organization with the invited role.
func (h *Handler) acceptInvitation(w http.ResponseWriter, r *http.Request, v *invitation,
	user *storage.User) {
	ctx := r.Context()
	p := joinedPage{Issuer: h.cfg.Issuer}

	// One atomic step: a concurrent accept of the same link finds it used.
	_, err := h.store.AcceptInvitation(ctx, v.token, user.ID)
	switch {
	case errors.Is(err, storage.ErrAlreadyMember):
		p.Heading, p.Message = "Already a member", "You are already a member of "+v.org.Name+"."
	case err != nil:
		h.badInvitation(w, r, err, "accept invitation failed")
		return
	default:
		role := string(v.inv.Role)
		h.log.InfoContext(ctx, "invitation accepted", "user_id", user.ID,
			"org_id", v.inv.OrgID, "invitation_id", v.inv.ID, "role", role)
		h.audit(r, storage.AuditEvent{Type: storage.AuditMemberAdded, ActorID: user.ID,
			OrgID: v.inv.OrgID, TargetID: user.ID, Detail: role})
		p.Heading, p.Message = "Invitation accepted", "You joined "+v.org.Name+" as "+role+"."
	}

	p.frame = newFrame(r, p.Heading, user)
	h.render(w, r, http.StatusOK, "invitation_joined", p)
}
