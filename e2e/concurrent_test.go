package e2e

import (
	"net/http"
	"sync"
	"testing"
)

// TestConcurrentExchange polls one approved code from 50 goroutines at once: exactly
// one poll gets the tokens (RFC 8628 §3.5: a code is exchanged once), every other one
// invalid_grant, and none a server error. Each of the others is a replay, so the tokens
// the winner got end up revoked.
func TestConcurrentExchange(t *testing.T) {
	t.Parallel()
	g := startGatehouse(t, serverOptions{})
	b := signedInBrowser(t, g)
	da := g.authorizeDevice(t, cliClient, forTenant())
	b.approve(t, da.UserCode, false)

	const n = 50
	answers := make([]tokenAnswer, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			answers[i] = g.poll(t, cliClient, da.DeviceCode)
		})
	}
	close(start)
	wg.Wait()

	var won []tokenAnswer
	others := map[string]int{}
	for _, a := range answers {
		switch {
		case a.Status == http.StatusOK && a.AccessToken != "":
			won = append(won, a)
		case a.Status == http.StatusBadRequest && a.Error == "invalid_grant":
			others["invalid_grant"]++
		default:
			others[http.StatusText(a.Status)+" "+a.Error]++
		}
	}
	if len(won) != 1 || others["invalid_grant"] != n-1 {
		t.Fatalf("%d polls got tokens and the others %v; want 1 with tokens and %d invalid_grant",
			len(won), others, n-1)
	}

	// The 49 others are replays of a used code, which revoke what it gave (see
	// TestPolling/replayed_code): the winner's tokens must not survive them.
	for _, tok := range []struct{ name, value string }{
		{"access_token", won[0].AccessToken}, {"refresh_token", won[0].RefreshToken},
	} {
		if in := g.introspect(t, tok.value, tok.name); in.Active {
			t.Errorf("the winner's %s is still active after %d replays of its code", tok.name, n-1)
		}
	}
}
