// Package sessions serves the session configuration (idle and absolute
// timeouts, concurrent-session limit) of the environment and of each account,
// and the user sessions routes: a user lists and ends their own sessions, an
// admin (the vendor, or an account user holding the permission) those of a
// user. The login package applies the configuration; an ended session's
// refresh token stops working at once and its access tokens are refused.
package sessions
