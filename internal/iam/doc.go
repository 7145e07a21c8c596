// Package iam holds Hatch's domain types: accounts (Frontegg calls them tenants),
// users, sessions, the Principal that describes who is calling, and the error
// kinds every layer uses to say what went wrong. It imports nothing of Hatch's
// own and carries no JSON or SQL tags: the api and store packages translate.
package iam
