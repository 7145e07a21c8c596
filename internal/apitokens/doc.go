// Package apitokens serves Frontegg's machine credentials: account API tokens
// (client-credential pairs of an account, with roles or permissions), personal
// tokens (pairs that act as the user who made them, with that user's roles in
// the account), long-lived access tokens of both kinds (JWTs clients send as
// x-api-key), the vendor-only routes @frontegg/client resolves access tokens
// through, and the client-credentials authentication with its rotating
// refresh tokens.
//
// Client secrets are random (256 bits) and stored as a keyed hash under the
// environment's secret key: a fast check on the busiest route machines call,
// and useless to someone holding only the database. Each authentication
// starts a refresh family (the sid of its access tokens); refreshing rotates
// the family's token, a spent token never works again and presenting the last
// spent one ends the family. A token keeps at most MaxLiveRefreshTokens
// families: the authentication after that evicts the oldest.
//
// A token stops working at once when it is deleted, when its owner (the user a
// personal token acts as, or the creator of an account token) leaves the
// account, when the account is deleted or locked, when the owner's membership
// is disabled, or when a personal token's user is locked; the store records
// each case, so every node refuses the token's access JWTs within one
// revocation poll (token.Revocations).
package apitokens
