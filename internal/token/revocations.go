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
	// The next poll looks back a few seconds: a revocation stamped by its
	// node's clock but committed a little later is still picked up.
	since = now.Add(-revocationOverlap)
	rv.since = since
	return nil
}
