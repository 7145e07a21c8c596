// Package loadtest is "hatch loadtest": it drives a running Hatch over HTTP
// keep-alive with a chosen number of workers and reports, per scenario
// (password login, user-token refresh with rotation, token validation on
// users/v2/me, API-token authentication and refresh, a mixed workload, and
// the counted sessions and rotations runs behind the memory figures),
// requests per second, p50, p95 and p99 latency, errors, and optionally the
// server's resident memory. It sets up its own account and users through the
// management API with the environment's credentials.
//
// A run is bounded in time and count (Config.Validate), and aims only at this
// machine unless told otherwise.
package loadtest
