// Package factors is what proves a user beyond a password: the MFA
// configuration and policies, authenticator apps (TOTP, RFC 6238), one-time
// codes sent by SMS or email, WebAuthn security keys, platform authenticators
// and passkeys, recovery codes, remembered browsers, and the MFA tokens that
// carry a login or a step-up between its first and its second factor.
//
// Service implements login.SecondFactor: after a first factor, it decides
// whether the login needs a second one and answers the MFA branch of the
// login response. The endpoint packages mfa and passwordless build their
// routes on it. It sits above login in tier 2: it imports login, policy,
// notify and store; login knows it only through the SecondFactor interface.
//
// Codes people type (six digits) are single-use, expire, are compared in
// constant time and allow MaxAttempts wrong tries per challenge and per MFA
// token. Every challenge is stored under the SHA-256 of the token the client
// holds; a code is stored as the SHA-256 of its challenge's id and the code.
// TOTP seeds are sealed with the master key.
package factors
