// Package consent serves the pages where a person approves a command-line tool that
// logs in with the device authorization grant (RFC 8628): sign in, type the code the
// terminal shows, check the device, approve or deny. It also serves the page of an
// invitation to an organization and the page where a person locks, unlocks and deletes
// the devices they approved.
//
// The pages are rendered on the server with html/template and need no JavaScript. The
// server mounts the Handler at the root; the paths are absolute:
//
//	GET  /device           code entry; ?user_code= pre-fills the field (RFC 8628 §3.3.1)
//	POST /device           user_code -> the confirmation page
//	POST /device/decision  user_code, action ("approve" or "deny"), trust ("on")
//	GET  /login            sign-in form; return_to is a relative path to go back to
//	POST /login            email, password, return_to, user_code (carried, optional)
//	POST /logout           ends the browser session
//
//	GET  /invitations/accept?token=  the page an invitation email links to
//	POST /invitations/accept         token, action and the fields of that action:
//	       action=accept             signed in as the invited account: no fields
//	       action=sign_in            the invited account exists: password
//	       action=create             no account has the invited email: name, password,
//	                                 confirm_password (8 characters or more, equal)
//	       action=sign_out           signed in as another account: signs out, shows
//	                                 the page again
//
// The confirmation page says what approving grants (RFC 8628 §5.4): "Access to the
// tenant NAME (URL) of the organization ORG as ROLE" for a request with a resource, or
// "Access to Gatehouse itself (your account and organizations)". Someone who is not a
// member of the tenant's organization, or whose tenant is gone, is told so there and
// offered only Deny; Config.Authorize still decides when Approve is posted. What the
// device says about itself is shown under "The device says:", apart from the IP
// address Gatehouse saw. There and on the devices page, self-reported details and
// names lose their Unicode format (Cf) and control characters and are cut to 100
// characters.
//
// The invitation page shows the one form that fits: "Accept invitation", "Sign in and
// accept" (Email shown read-only, Password) or "Create account and accept" (Email
// read-only, Name, Password, Confirm password), or, signed in as someone else, "This
// invitation is for EMAIL. Sign out to accept it." with a Sign out button. The email is
// always the invitation's; one in the form is ignored. A link that cannot be accepted
// is a 404 page (unknown: "This invitation link is not valid.") or a 410 page
// (expired, accepted, withdrawn). After the first GET the token travels only in form
// bodies. Wrong passwords count against the sign-in limits of that email.
//
//	GET  /devices          the signed-in person's devices; else 303 to
//	                       /login?return_to=/devices
//	POST /devices/lock     device_id: lock an active device
//	POST /devices/unlock   device_id: unlock a locked device that has not expired
//	POST /devices/delete   device_id: delete a device in any state
//
// The devices page is a table with the columns Device, System, Client, IP address,
// Tenant (the resource, or "Gatehouse"), Trusted (Yes/No), Status (Active, Locked,
// Expired, Revoked), Authorized, Last seen and Expires, and in each row the buttons
// Lock, Unlock and Delete that apply; with no devices it says "No devices yet. Run
// gatehouse connect to add one." An action on a device that is not the person's is a
// 404 page ("No such device."); otherwise it is recorded in the audit trail and
// answered with a 303 to /devices, which shows what happened once (the key of the
// message rides in the gatehouse_flash cookie). Device ids travel only in form bodies.
// Signed in, every page's header has the email, a Devices link and Sign out (but for
// the invitation page that asks to sign out, whose own Sign out button returns to it).
// Approvals, denials and accepted invitations are recorded in the audit trail too.
//
// Failures are limited, and a spent limit is a 429 page with Retry-After, even for a
// right guess: in 10 minutes, 5 wrong codes per account and 50 per network (an IPv4
// address or an IPv6 /64), and 10 failed sign-ins per email and network and 30 per
// network. The loose limits per network only stop a flood: people behind one reverse
// proxy share its address. Successes count against nothing.
//
// Every POST form also carries the CSRF token in the field gorilla.csrf.Token, tied to
// the gatehouse_csrf cookie. A pre-filled user_code is only ever a suggestion: nothing
// is approved without a POST of the Approve button. After the first GET the user code
// travels only in form bodies, never in a URL.
//
// Browsers submit these forms with "Origin: null" (the pages send Referrer-Policy:
// no-referrer) and "Sec-Fetch-Site: same-origin"; the second is taken as proof of
// origin. A client that is not a browser and drives the pages of an https issuer must
// send an Origin (or Referer) header naming the issuer, or Sec-Fetch-Site:
// same-origin; gorilla/csrf refuses unsafe requests with neither.
package consent
