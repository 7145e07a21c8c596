package token

import (
	"context"
	"sync"
	"time"

	"github.com/hatchid/hatch/internal/store"
)

// Revocations is each node's view of ended sessions, so that an access token
// of a revoked session is refused without a database read per request. It is
// filled from storage at start and then polled (Poll), so a session ended on
// any node is refused by all within the polling interval.
type Revocations struct {
	DB          *store.DB
	Now         func() time.Time
	MaxTokenTTL time.Duration // how far back a revocation can still matter

	mu      sync.RWMutex
	revoked map[string]time.Time // session id → when its tokens are all expired anyway
	since   time.Time

	// Revoked API tokens and API-token refresh families, polled alongside
	// sessions (see APITokenRevoked).
	apiTokens map[string]apiTokenRevocation
}

// apiTokenRevocation is a revoked API token or refresh family. A suspension
// refuses only access tokens issued up to notAfter; a revocation refuses all.
type apiTokenRevocation struct {
	suspension bool
	notAfter   int64 // unix seconds: revocation time plus the clock skew allowed between nodes
	until      time.Time
}

// Revoked reports whether the session has been ended.
func (rv *Revocations) Revoked(sessionID string) bool {
	rv.mu.RLock()
	_, ok := rv.revoked[sessionID]
	rv.mu.RUnlock()
	return ok
}

// Add records a revocation made by this node, effective at once here.
func (rv *Revocations) Add(sessionID string) {
	rv.mu.Lock()
	if rv.revoked == nil {
		rv.revoked = map[string]time.Time{}
	}
	rv.revoked[sessionID] = rv.Now().Add(rv.MaxTokenTTL)
	rv.mu.Unlock()
}

const revocationOverlap = 5 * time.Second

// APITokenRevoked reports whether an API-token access JWT issued at issuedAt
// (unix seconds) must be refused: its token (tokenID) or its refresh family
// (familyID, may be "") was revoked, or suspended at or after issuedAt. A
// suspension stamped on one node allows for the skew of the issuing node's
// clock, the same allowance as the polls' overlap.
func (rv *Revocations) APITokenRevoked(tokenID, familyID string, issuedAt int64) bool {
	rv.mu.RLock()
	defer rv.mu.RUnlock()
	for _, id := range [2]string{tokenID, familyID} {
		if r, ok := rv.apiTokens[id]; ok && id != "" && (!r.suspension || issuedAt <= r.notAfter) {
			return true
		}
	}
	return false
}

// AddAPIToken records a revocation of an API token or refresh family made by
// this node, effective at once here.
func (rv *Revocations) AddAPIToken(id string) {
	now := rv.Now()
	rv.mu.Lock()
	rv.addAPIToken(store.RevokedAPIToken{ID: id, RevokedAt: now})
	rv.mu.Unlock()
}

// addAPIToken records r; rv.mu must be held. A revocation is never weakened
// into a suspension.
func (rv *Revocations) addAPIToken(r store.RevokedAPIToken) {
	if rv.apiTokens == nil {
		rv.apiTokens = map[string]apiTokenRevocation{}
	}
	if old, ok := rv.apiTokens[r.ID]; ok && !old.suspension && r.Suspension {
		return
	}
	rv.apiTokens[r.ID] = apiTokenRevocation{
		suspension: r.Suspension,
		notAfter:   r.RevokedAt.Add(revocationOverlap).Unix(),
		until:      r.RevokedAt.Add(rv.MaxTokenTTL),
	}
}

// Poll reads revocations made since the last poll.
func (rv *Revocations) Poll(ctx context.Context) error {
	now := rv.Now()
	rv.mu.RLock()
	since := rv.since
	rv.mu.RUnlock()
	if since.IsZero() {
		since = now.Add(-rv.MaxTokenTTL)
	}
	list, err := rv.DB.FindRevokedSessions(ctx, since)
	if err != nil {
		return err
	}
	apiTokens, err := rv.DB.FindAPITokenRevocations(ctx, since, now)
	if err != nil {
		return err
	}
	rv.mu.Lock()
	defer rv.mu.Unlock()
	if rv.revoked == nil {
		rv.revoked = map[string]time.Time{}
	}
	for _, r := range list {
		rv.revoked[r.ID] = r.RevokedAt.Add(rv.MaxTokenTTL)
	}
	for id, until := range rv.revoked {
		if until.Before(now) {
			delete(rv.revoked, id)
		}
	}
	for _, r := range apiTokens {
		rv.addAPIToken(r)
	}
	for id, r := range rv.apiTokens {
		if r.until.Before(now) {
			delete(rv.apiTokens, id)
		}
	}
	// The next poll looks back a few seconds: a revocation stamped by its
	// node's clock but committed a little later is still picked up.
	since = now.Add(-revocationOverlap)
	rv.since = since
	return nil
}
