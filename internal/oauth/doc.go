// Package oauth is Hatch's hosted login and OpenID Connect provider: its
// OAuth clients (the environment itself, configured here, and the vendor's
// applications, which package applications registers and this package reads
// through the Applications interface), the authorization endpoint with
// Hatch's own server-rendered login page (password, second factor,
// forgotten password, sign-up, SSO and social buttons), the token endpoint
// (authorization code with PKCE, refresh token with rotation), userinfo,
// logout, the silent refresh Frontegg's browser client uses, discovery, and
// the login page's branding.
//
// A browser signs in once on the page, which sets the refresh cookie of a
// login session; every authorization code is bound to that session, and
// redeeming it adds a refresh token for the application to the same session
// (login.Service.Branch), so the browser's cookie and the application's
// tokens end together. A login the page sends to an identity provider (SSO,
// social: the SSO interface) comes back to the authorization request with
// that cookie set, or with the pending-MFA cookie for the second step.
package oauth
