// Package passwordless serves Frontegg's sign-in routes without a password:
// magic links and one-time codes by email or SMS (prelogin sends, postlogin
// signs in), passkey sign-in (WebAuthn prelogin and postlogin), and a signed-in
// user's passkeys. Prelogin routes answer alike whether or not the address
// belongs to a user. Sign-ins go through login.Service.Complete, so MFA, the
// account checks and lockout apply as after a password.
package passwordless
