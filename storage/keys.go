package storage

// Redis key layout. Every key starts with "gh:" so that Gatehouse can share a database.
const (
	keyClient        = "gh:client:"      // + client id -> JSON
	keyAccessToken   = "gh:at:"          // + token signature -> JSON request
	keyRefreshToken  = "gh:rt:"          // + token signature -> hash {req, active}
	keyRequestTokens = "gh:req:"         // + request id -> set of token keys
	keyDeviceCode    = "gh:dc:"          // + HMAC(device_code) -> hash
	keyUserCode      = "gh:uc:"          // + HMAC(user_code) -> device code key
	keyDevice        = "gh:device:"      // + device id -> hash
	keyUserDevices   = "gh:userdevices:" // + user id -> zset of device ids by creation
	keyRevokedDevice = "gh:revoked-devices"
	keyOrgDevices    = "gh:orgdevices:" // + org id -> zset of device ids authorized for its tenants
	keyAudit         = "gh:audit"       // stream of audit events
	keyUser          = "gh:user:"       // + user id -> hash
	keyUserEmail     = "gh:email:"      // + lower-case email -> user id
	keyWebSession    = "gh:websess:"    // + HMAC(cookie) -> hash
	keySigningKeys   = "gh:signing-keys"
	keyJTI           = "gh:jti:" // + jti -> "1" (client assertion replay cache)
)

// Organizations, tenants, members and invitations.
const (
	keyOrg         = "gh:org:"         // + org id -> hash {id, name, created_at}
	keyOrgMembers  = "gh:orgmembers:"  // + org id -> hash user id -> role
	keyUserOrgs    = "gh:userorgs:"    // + user id -> hash org id -> role
	keyOrgTenants  = "gh:orgtenants:"  // + org id -> set of tenant ids
	keyTenant      = "gh:tenant:"      // + tenant id -> hash
	keyTenantURL   = "gh:tenanturl:"   // + resource URL -> tenant id
	keyBilling     = "gh:billing:"     // + org id -> hash {plan, billing_email}
	keyInvitation  = "gh:invitation:"  // + invitation id -> hash
	keyInviteToken = "gh:invitetoken:" // + HMAC(token) -> invitation id
	keyOrgInvites  = "gh:orginvites:"  // + org id -> set of invitation ids
)
