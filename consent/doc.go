// Package consent serves the pages where a person approves a command-line tool that
// logs in with the device authorization grant (RFC 8628): sign in, type the code the
// terminal shows, check the device, approve or deny.
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
// The invitation page shows the one form that fits: "Accept invitation", "Sign in and
// accept" (Email shown read-only, Password) or "Create account and accept" (Email
// read-only, Name, Password, Confirm password), or, signed in as someone else, "This
// invitation is for EMAIL. Sign out to accept it." with a Sign out button. The email is
// always the invitation's; one in the form is ignored. A link that cannot be accepted
// is a 404 page (unknown: "This invitation link is not valid.") or a 410 page
// (expired, accepted, withdrawn). After the first GET the token travels only in form
// bodies. Wrong passwords count against the sign-in limit of that email.
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
