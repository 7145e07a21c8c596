// Package securitypolicy serves the security policy routes of Frontegg's
// "Lockout policy" and "Password settings" tags: the lockout policy, the
// password complexity, history and rotation policies — each for the
// environment and, as overrides, for accounts — and the password rules a user
// must follow (users/v1/passwords/config). The rules themselves, and their
// enforcement at login and when a password is set, live in the policy package.
package securitypolicy
