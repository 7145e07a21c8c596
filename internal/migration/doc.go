// Package migration brings users and accounts from other systems into Hatch:
// the single and bulk user migrations of Frontegg's "Data migration" routes
// (with their password hashes, kept as they are until the user's first
// login replaces them with argon2id), the migration from Auth0's management
// API, the account migration of the tenants service, `hatch import`, and the
// user pools ("User pools": user-sources/v1), external systems asked on login
// for users Hatch does not know yet (lazy migration).
//
// Bulk jobs are durable: a job and its waiting rows are tables, every node's
// Worker claims jobs with a renewable lease and migrates them a batch per
// transaction, so a job survives a restart and any node can finish it.
package migration
