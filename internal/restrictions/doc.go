// Package restrictions serves an account's IP restrictions (allow or block
// lists of addresses and CIDR ranges, with the "test my IP" routes) and its
// email-domain restrictions, and provides IPCheck, the login check that
// enforces the IP rules at login and refresh. The rules themselves, and their
// enforcement on every authenticated request (policy.IPGuard), live in the
// policy package.
package restrictions
