// Package rbac serves Frontegg's permission model: permission categories,
// permissions, roles of the environment and of accounts (account roles), the
// roles of each user in each account (one account at a time, several
// sub-accounts at once, and in bulk across accounts as a pollable task), the
// roles and groups of users (users/v3/roles, users/v3/groups), and the table
// of the fe.* permission each self-service route requires (RoutePermissions).
//
// Account admins manage their own account's roles from the permissions they
// hold: nobody grants, through a role or an assignment, a permission they do
// not hold. Vendors may do anything.
package rbac
