// Package tenants serves the accounts (Frontegg's tenants) routes of
// tenants.json: create, read, update, delete and list accounts and their
// metadata, and the account settings (address, timezone, formats, currency,
// logo) a signed-in user or the vendor edits for one account.
package tenants
