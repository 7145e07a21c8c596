// Package ssotest runs real identity providers on loopback for tests. A
// SAML IdP (crewjam/saml's, StartSAML) signs responses for the service
// providers the test registers and logs in the user it chose. An OpenID
// Connect / OAuth 2 provider (Start) serves discovery, JWKS, an authorize
// endpoint that logs in the user the test chose, a token endpoint that
// checks the client secret and PKCE and issues RS256 ID tokens, and a
// userinfo endpoint; social-login tests use it as Google, GitHub or a
// custom OAuth provider.
package ssotest
