// Package groups serves Frontegg's user groups: sets of users in one account
// whose roles reach every member there (and so the member's access token),
// and the groups configuration. (The groups of each user, users/v3/groups,
// are served by package rbac beside users/v3/roles.)
// Giving a group roles, or users to a group that has roles, is a grant: the
// caller must hold every permission it passes on.
package groups
