// Package api is Gatehouse's JSON management API under /api/v1: the signed-in person,
// their organizations, members, invitations, tenants and billing, and the devices they
// authorized. The gatehouse CLI is its client; openapi.yaml, served at
// /api/v1/openapi.yaml, is the contract.
//
// Every request but the OpenAPI document carries a Gatehouse access token (RFC 6750
// §2.1) whose audience is Gatehouse itself. Who may do what is decided by package
// rbac alone; the handlers parse, ask rbac, call the store and answer. A request that
// is refused changes nothing.
package api
