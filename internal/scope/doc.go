// Package scope decides what a self-service caller may reach: the account a
// request acts in — the caller's active account, or a sub-account of it when
// the account lets the user act in its sub-accounts — and whether the caller
// may pass on a grant (roles and permissions), which it may only when it
// holds every permission in it. Vendors reach every account and may grant
// anything.
package scope
