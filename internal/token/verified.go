package token

import (
	"crypto/sha256"
	"encoding/json"
	"slices"
	"sync"

	"github.com/hatchid/hatch/internal/bounded"
)

// verifiedClaims remembers the claims of tokens whose signature this node has
// checked. A client calls with the same access token until it expires, so a
// token presented again costs a SHA-256 and a map lookup instead of an RSA
// verification and a JSON decoding. Only the signature check and the decoding
// are remembered: expiry, audience, type and revocation are checked on every
// request. Entries are keyed by the SHA-256 of the whole token (never the token
// itself, which would keep bearer tokens in memory, and never a part of it: a
// valid signature pasted onto another payload must not match) and stamped with
// the key ring's generation, so a key taken out of the ring stops verifying
// its tokens at once.
type verifiedClaims struct {
	mu sync.RWMutex
	m  map[[32]byte]verifiedEntry
}

type verifiedEntry struct {
	gen uint64
	c   *Claims // shared: never modified after it is put
}

// maxVerified bounds the tokens remembered (bounded.MakeRoom). A user token
// with a hundred permissions decodes to a few KiB.
const maxVerified = 4096

// claims returns the decoded claims of raw if its signature verifies with a
// key of kr. The answer is shared and must not be modified.
func (v *verifiedClaims) claims(kr *KeyRing, raw string) (*Claims, error) {
	sum := sha256.Sum256([]byte(raw))
	gen := kr.generation()
	v.mu.RLock()
	e, ok := v.m[sum]
	v.mu.RUnlock()
	if ok && e.gen == gen {
		return e.c, nil
	}
	payload, err := kr.verify(raw)
	if err != nil {
		return nil, err
	}
	c := new(Claims)
	if err := json.Unmarshal(payload, c); err != nil {
		return nil, errBadToken
	}
	// Callers get copies of the struct that share these slices: clipped, an
	// append to one never writes into the shared array.
	c.TenantIDs, c.Roles, c.Permissions, c.AMR = slices.Clip(c.TenantIDs), slices.Clip(c.Roles),
		slices.Clip(c.Permissions), slices.Clip(c.AMR)
	v.mu.Lock()
	if v.m == nil {
		v.m = make(map[[32]byte]verifiedEntry)
	}
	bounded.MakeRoom(v.m, maxVerified)
	v.m[sum] = verifiedEntry{gen, c}
	v.mu.Unlock()
	return c, nil
}
