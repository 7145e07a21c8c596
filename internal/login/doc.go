// Package login is what every successful first factor goes through — a
// password, a passwordless code, an SSO assertion, an API flow: the user's
// state, the account to log into, the checks registered by the security
// policies (lockout, IP rules), the second-factor decision, the session with
// its first refresh token, the access token, and the refresh cookie. It also
// refreshes and ends sessions. Endpoint packages call it; it has no routes.
package login
