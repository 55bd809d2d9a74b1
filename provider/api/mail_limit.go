package api

import (
	"context"
	"fmt"
	"net/http"

	"github.com/go-redis/redis_rate/v10"
	"github.com/ory/fosite"
)

// mailPerHour bounds the invitation emails (new and resent) one person can make
// Gatehouse send, so that it cannot be used to flood somebody's inbox.
const mailPerHour = 30

var errTooManyMails = &fosite.RFC6749Error{ErrorField: "too_many_requests",
	CodeField: http.StatusTooManyRequests}

// allowMail checks, without spending it, that the caller has an invitation email left
// this hour; spendMail spends one once the email went out, so a refused request costs
// nothing.
func (a *API) allowMail(ctx context.Context, c *caller) error {
	res, err := a.limiter.AllowN(ctx, mailKey(c), redis_rate.PerHour(mailPerHour), 0)
	if err != nil {
		return err
	}
	if res.Remaining == 0 {
		return &problem{rfc: errTooManyMails.WithDescription(fmt.Sprintf(
			"You have sent %d invitation emails in the last hour; try again in %d minutes.",
			mailPerHour, int(res.RetryAfter.Minutes())+1))}
	}
	return nil
}

// spendMail takes one email from the caller's allowance; a failure to count is logged.
func (a *API) spendMail(ctx context.Context, c *caller) {
	if _, err := a.limiter.Allow(ctx, mailKey(c), redis_rate.PerHour(mailPerHour)); err != nil {
		a.log.ErrorContext(ctx, "could not count an invitation email", "user_id", c.userID,
			"cause", err.Error())
	}
}

func mailKey(c *caller) string { return "gh:ratelimit:mail:" + c.userID }
