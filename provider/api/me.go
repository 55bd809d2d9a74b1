package api

import (
	"errors"
	"net/http"

	"github.com/ory/fosite"
)

// userView is a person as the API shows them.
type userView struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
}

// meOrgView is one of the caller's organizations in GET /me.
type meOrgView struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
}

// meResponse is the answer of GET /me.
type meResponse struct {
	User          userView    `json:"user"`
	Organizations []meOrgView `json:"organizations"`
}

// me serves GET /api/v1/me: who the token is for and where they are a member.
func (a *API) me(w http.ResponseWriter, r *http.Request, c *caller) error {
	ctx := r.Context()

	u, err := a.store.User(ctx, c.userID)
	if errors.Is(err, fosite.ErrNotFound) {
		return invalidToken("The access token's user no longer exists.")
	}
	if err != nil {
		return err
	}
	orgs, err := a.memberOrgs(ctx, c.userID)
	if err != nil {
		return err
	}

	resp := meResponse{User: userView{ID: u.ID, Email: u.Email, Name: u.Name},
		Organizations: make([]meOrgView, 0, len(orgs))}
	for _, o := range orgs {
		resp.Organizations = append(resp.Organizations, meOrgView{ID: o.ID, Name: o.Name, Role: o.Role})
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}
