// Package policy holds the environment's and accounts' rules as typed
// documents — core settings now; password, lockout, IP, domain and session
// rules as they arrive — with their defaults, their validation, and a
// short-lived cache so hot paths do not read them from the database on every
// request. The routes that edit them live in the domain packages.
package policy
