// Package settings serves the environment's core settings (Frontegg's vendor
// configuration): configurations v1 and its public and basic views, the
// captcha policy, JWT templates and their targeting, and the public auth
// strategies the login box reads.
package settings
