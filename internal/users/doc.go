// Package users serves Frontegg's user routes: the vendor's user management
// (create, read, update, delete, lock, verify, move between accounts), a
// locked-out user's unlocking with its emailed token, the signed-in user's
// own profile and accounts (me), usernames, temporary users, user emails and
// phone numbers, and inviting people into an account, one by one (users/v2)
// or in bulk.
package users
