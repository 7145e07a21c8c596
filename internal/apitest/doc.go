// Package apitest boots the real Hatch application on httptest, once per
// database (SQLite always, PostgreSQL when HATCH_TEST_POSTGRES_URL is set), and
// gives tests clients that call it as the vendor, as a user, or anonymously.
// Nothing is mocked: requests go through the real router, store and tokens.
// Every 2xx answer a Client receives is also checked against the response
// shape Frontegg's OpenAPI documents give for it (shapes.go), when the
// documents are reachable (HATCH_FRONTEGG_SPEC_DIR).
package apitest
