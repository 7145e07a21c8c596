// Package ssotest runs a real OpenID Connect / OAuth 2 provider on loopback
// for tests: discovery, JWKS, an authorize endpoint that logs in the user the
// test chose, a token endpoint that checks the client secret and PKCE and
// issues RS256 ID tokens, and a userinfo endpoint. Social-login tests use it
// as Google, GitHub or a custom OAuth provider.
package ssotest
