package policy

import (
	"net/url"
	"slices"
	"strings"

	"github.com/hatchid/hatch/internal/iam"
)

// The rules for the URLs an OAuth client may be sent back to (redirect URIs
// and post-logout redirect URIs), shared by the environment's own client
// (package oauth) and the vendor's applications (package applications).
// Matching is exact elsewhere; these rules decide what may be registered.

// MaxRedirectURIs bounds each list of URIs a client has.
const MaxRedirectURIs = 100

// CheckRedirectURI returns a 400 naming field unless raw is a redirect URI
// Hatch accepts: absolute, without a fragment or wildcards, https — or http
// only on a loopback host (local development, RFC 8252 §7.3) — or a private
// scheme with a dot in it for native apps (RFC 8252 §7.1).
func CheckRedirectURI(field, raw string) error {
	u, err := url.Parse(raw)
	bad := iam.Invalid("%s must be an absolute https URL (http only on localhost), without a fragment: %q", field, raw)
	switch {
	case err != nil, len(raw) > 2000, u.Scheme == "", u.Fragment != "" || strings.Contains(raw, "#"), strings.Contains(raw, "*"):
		return bad
	case u.Scheme == "https":
		if u.Host == "" {
			return bad
		}
	case u.Scheme == "http":
		if !isLoopback(u.Hostname()) {
			return bad
		}
	case strings.Contains(u.Scheme, "."): // com.example.app:/callback
	default:
		return bad
	}
	return nil
}

func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1" || strings.HasPrefix(host, "127.")
}

// CheckRedirectURIs checks a list of redirect URIs: at most MaxRedirectURIs,
// each acceptable to CheckRedirectURI, none twice.
func CheckRedirectURIs(field string, uris []string) error {
	if len(uris) > MaxRedirectURIs {
		return iam.Invalid("%s must have at most %d entries", field, MaxRedirectURIs)
	}
	for i, u := range uris {
		if err := CheckRedirectURI(field, u); err != nil {
			return err
		}
		if slices.Contains(uris[:i], u) {
			return iam.Invalid("%s lists %q twice", field, u)
		}
	}
	return nil
}
