// Package store is Hatch's one storage layer. It speaks SQLite (modernc.org/sqlite,
// the embedded default) and PostgreSQL (pgx) through database/sql. All SQL lives
// here, written once with $1…$N placeholders where the dialects agree and per
// dialect where they do not. Each aggregate has its own file. Methods that write
// several rows run inside one transaction (InTx).
//
// Conventions: ids are UUID strings; times are stored as BIGINT Unix microseconds
// in UTC (the clock comes from Go, never from SQL); JSON documents are TEXT.
// Lookups that find nothing return iam.ErrNotFound; writes that break a
// uniqueness rule return iam.ErrConflict.
package store
