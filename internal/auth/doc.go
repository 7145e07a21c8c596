// Package auth serves Frontegg's authentication routes: the environment's
// vendor token, password login, refresh, logout, sign-up, activation and
// password reset. Logins are completed by the login package.
package auth
