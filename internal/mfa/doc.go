// Package mfa serves Frontegg's multi-factor routes: the environment's MFA
// configuration and strategies, the MFA policy of the environment and of each
// account, enrollment and removal of a signed-in user's authenticator apps,
// SMS numbers and security keys, the second step of a login or a step-up
// (verify with a device, an emailed code or a recovery code, or enroll the
// first device), step-up itself, and the vendor's MFA reset of a user. The
// factors package does the proving.
package mfa
