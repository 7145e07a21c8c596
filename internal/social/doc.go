// Package social is social login: the environment turns on built-in
// providers (Google, GitHub, Microsoft, Facebook, Apple, LinkedIn, Slack) and
// custom OAuth providers, the login box lists them, and
// auth/v1/user/sso/{provider}/postlogin exchanges the authorization code the
// browser brought back, reads the profile, and logs the user in — creating
// the user with a new account on first sign-in when sign-ups are allowed,
// and linking to an existing user only by an email the provider verified.
// Hatch's hosted login page shows a button per provider; those logins start
// and end at Hatch's own routes (page.go) instead of the login box.
package social
