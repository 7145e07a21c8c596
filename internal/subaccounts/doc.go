// Package subaccounts serves Frontegg's account hierarchy: creating
// sub-accounts (child accounts) and managing them from their parents,
// reading the hierarchy (sub-accounts, tree, parents, search, metadata), the
// vendor's attaching and detaching of accounts, each account's hierarchy
// settings, and each member's sub-account access — which lets a user act,
// with the permissions it holds in its account, in that account's
// sub-accounts (see package scope).
package subaccounts
