// Package rbac holds Gatehouse's organization roles, the one table of what each role may
// do, the business rules the management API applies to invitations, role changes and
// removals, and the pieces a tenant server needs to trust a Gatehouse access token:
// the [Claims] of an RFC 9068 JWT access token, an offline [Verifier] with a device
// revocation list, and HTTP middleware that answers the RFC 6750 way.
//
// The package imports nothing else from the Gatehouse module, so a tenant server can
// depend on it alone. Package rbactest has a fake issuer for a tenant server's tests.
package rbac
