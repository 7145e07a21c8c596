// Package settings serves the environment's core settings (Frontegg's vendor
// configuration): configurations v1 and its public and basic views, the
// public auth strategies the login box reads, the captcha policy, JWT
// templates and their targeting, and the vendor's profile with the allowed
// origins CORS admits. Everything is kept as settings documents.
package settings
