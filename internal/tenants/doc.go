// Package tenants serves the accounts (Frontegg's tenants) routes of
// tenants.json: create, read, update, delete and list accounts, and their metadata.
package tenants
