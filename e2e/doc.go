// Package e2e tests Gatehouse end to end: the real gatehouse binary, built once per run,
// serves a real Redis, and the tests drive it over HTTP the way its users do, with
// golang.org/x/oauth2, go-oidc, a cookie-keeping HTTP client in place of the browser, and
// the gatehouse CLI itself.
//
// Run it with scripts/test ./e2e/..., which starts the Redis it needs; outside
// scripts/test (and CI) the tests that need Redis are skipped.
package e2e
