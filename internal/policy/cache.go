package policy

import (
	"sync"
	"time"
)

// accountCache holds one value per account for a short time, so that rules
// read on hot paths (every authenticated request, every login) are not read
// from the database each time. A change made on this node drops the cached
// value at once; one made on another node is seen here within the ttl the
// caller passes. The zero value is ready to use.
type accountCache[T any] struct {
	mu  sync.Mutex
	m   map[string]cachedValue[T]
	gen uint64 // counts drops, so that a load racing with a change is not cached
}

type cachedValue[T any] struct {
	v        T
	loadedAt time.Time
}

// maxCached bounds the cache: past it, expired values are swept on insert.
const maxCached = 10000

// get returns the account's value if it was loaded less than ttl ago;
// otherwise false, and the generation to hand to put with the loaded value.
func (c *accountCache[T]) get(tenantID string, now time.Time, ttl time.Duration) (T, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[tenantID]
	if !ok || now.Sub(e.loadedAt) >= ttl || now.Before(e.loadedAt) {
		var zero T
		return zero, c.gen, false
	}
	return e.v, c.gen, true
}

// put caches v unless a drop happened since the get that returned gen.
func (c *accountCache[T]) put(tenantID string, v T, now time.Time, ttl time.Duration, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.m == nil {
		c.m = map[string]cachedValue[T]{}
	}
	if len(c.m) >= maxCached {
		for k, e := range c.m {
			if now.Sub(e.loadedAt) >= ttl {
				delete(c.m, k)
			}
		}
	}
	c.m[tenantID] = cachedValue[T]{v: v, loadedAt: now}
}

// drop forgets the account's value; dropping "" (the environment, whose
// settings every account inherits) forgets every value.
func (c *accountCache[T]) drop(tenantID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if tenantID == "" {
		clear(c.m)
		return
	}
	delete(c.m, tenantID)
}
