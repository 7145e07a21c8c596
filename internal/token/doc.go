// Package token issues and verifies Hatch's tokens: the RS256 signing keys
// (generated once, sealed at rest, parsed once and held in memory, published
// as PEM and JWKS), user and vendor access JWTs, opaque refresh tokens, the
// list of revoked sessions every node polls, and the Authenticator the router
// uses to turn a request's credentials into an iam.Principal.
package token
