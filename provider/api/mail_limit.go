package api

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"time"

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
	limit := redis_rate.PerHour(mailPerHour)
	res, err := a.limiter.AllowN(ctx, mailKey(c), limit, 0)
	if err != nil {
		return err
	}
	if res.Remaining > 0 {
		return nil
	}

	// A check that spends nothing gets no RetryAfter from the limiter, only ResetAfter,
	// when the whole allowance is back. One email comes back every hour/mailPerHour,
	// so the first is back that long after ResetAfter less the hour.
	wait := res.ResetAfter - limit.Period + limit.Period/time.Duration(limit.Rate)
	wait = max(wait, time.Second)
	return &problem{retryAfter: wait, rfc: errTooManyMails.WithDescription(fmt.Sprintf(
		"You have sent %d invitation emails in the last hour; try again in %d minutes.",
		mailPerHour, int(math.Ceil(wait.Minutes()))))}
}

// spendMail takes one email from the caller's allowance; a failure to count is logged.
func (a *API) spendMail(ctx context.Context, c *caller) {
	if _, err := a.limiter.Allow(ctx, mailKey(c), redis_rate.PerHour(mailPerHour)); err != nil {
		a.log.ErrorContext(ctx, "could not count an invitation email", "user_id", c.userID,
			"cause", err.Error())
	}
}

func mailKey(c *caller) string { return "gh:ratelimit:mail:" + c.userID }
