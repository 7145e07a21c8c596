// Package apitest boots the real Hatch application on httptest, once per
// database (SQLite always, PostgreSQL when HATCH_TEST_POSTGRES_URL is set), and
// gives tests clients that call it as the vendor, as a user, or anonymously.
// Nothing is mocked: requests go through the real router, store and tokens.
package apitest
