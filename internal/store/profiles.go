package store

import (
	"context"
	"database/sql"
	"sync"

	"github.com/hatchid/hatch/internal/bounded"
	"github.com/hatchid/hatch/internal/iam"
)

// Profiles and authorization are read on every refresh and on every
// authenticated profile route, and change rarely. A DB keeps the last copy it
// read of each in memory, stamped with the versions they were read at (see
// migration 0100_profile_versions): the user's row of user_versions, bumped
// by triggers in every transaction that changes the user, its memberships,
// roles or groups, and profile_epoch, bumped by every change to roles,
// permissions and group roles. A read first reads both versions — one
// indexed query — and uses the copy only when they are unchanged, so the
// answer is always as the database stands, on every node, with no wait and no
// invalidation messages. The versions are read before the data, so a copy is
// never older than its stamp.

// stamp is the pair of versions a copy was read at.
type stamp struct{ user, epoch int64 }

// versionsOf reads the versions of userID's profile.
func (db *DB) versionsOf(ctx context.Context, userID string) (stamp, error) {
	var s stamp
	err := db.r.QueryRowContext(ctx, `SELECT COALESCE((SELECT v FROM user_versions WHERE user_id = $1), 0),
		(SELECT v FROM profile_epoch WHERE id = 1)`, userID).Scan(&s.user, &s.epoch)
	return s, err
}

// maxCopies bounds each kind of copy a DB keeps (bounded.MakeRoom). A copy of a user
// whose roles grant Frontegg's hundred-odd permissions takes about 20 KiB, so
// the copies stay within a few tens of MiB at worst.
const maxCopies = 1024

// copies holds the last copy read of each key with its stamp. Values are
// shared between callers, who must not modify them.
type copies[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]stamped[V]
}

type stamped[V any] struct {
	at stamp
	v  V
}

// get returns the copy of k if it was read at st.
func (c *copies[K, V]) get(k K, st stamp) (V, bool) {
	c.mu.Lock()
	e, ok := c.m[k]
	c.mu.Unlock()
	if !ok || e.at != st {
		var zero V
		return zero, false
	}
	return e.v, true
}

// put keeps v, read at st, as the copy of k.
func (c *copies[K, V]) put(k K, st stamp, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[K]stamped[V])
	}
	bounded.MakeRoom(c.m, maxCopies)
	c.m[k] = stamped[V]{st, v}
}

// at returns the copy of k read at st, or loads it, keeps it as read at st
// and returns it.
func (c *copies[K, V]) at(k K, st stamp, load func() (V, error)) (V, error) {
	if v, ok := c.get(k, st); ok {
		return v, nil
	}
	v, err := load()
	if err != nil {
		return v, err
	}
	c.put(k, st, v)
	return v, nil
}

// cached returns the copy of k read at the current versions of userID's
// profile, or loads it, keeps it and returns it.
func cached[K comparable, V any](ctx context.Context, db *DB, c *copies[K, V], userID string, k K, load func() (V, error)) (V, error) {
	st, err := db.versionsOf(ctx, userID)
	if err != nil {
		var zero V
		return zero, err
	}
	return c.at(k, st, load)
}

// profileCopies are the copies one DB keeps.
type profileCopies struct {
	authz    copies[[2]string, *Authz]   // by user id and tenant id
	members  copies[string, userMembers] // by user id
	profiles copies[string, userProfile] // by user id
}

type userMembers struct {
	user *iam.User
	ms   []iam.Membership
}

type userProfile struct {
	user    *iam.User
	details *UserDetails
}

// FindAuthz returns the user's effective roles in tenantID and the union of
// their permissions (see findAuthz), from this DB's copy while the user's
// profile is unchanged. The answer is shared: callers must not modify it.
func (db *DB) FindAuthz(ctx context.Context, userID, tenantID string) (*Authz, error) {
	return cached(ctx, db, &db.copies.authz, userID, [2]string{userID, tenantID}, func() (*Authz, error) {
		return db.findAuthz(ctx, userID, tenantID)
	})
}

// Access is a user with its memberships, read at one pair of versions; Authz
// reads the user's authorization at the same versions, with no further
// version read. A token refresh needs all of it.
type Access struct {
	User        *iam.User        // the caller's own copy
	Memberships []iam.Membership // oldest first; shared, must not be modified
	db          *DB
	at          stamp
}

// FindAccess returns the user and its memberships (see
// findUserWithMemberships), from this DB's copy while the user's profile is
// unchanged, or iam.ErrNotFound.
func (db *DB) FindAccess(ctx context.Context, userID string) (*Access, error) {
	at, err := db.versionsOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	return db.accessAt(ctx, userID, at)
}

func (db *DB) accessAt(ctx context.Context, userID string, at stamp) (*Access, error) {
	c, err := db.copies.members.at(userID, at, func() (userMembers, error) {
		u, ms, err := db.findUserWithMemberships(ctx, userID)
		return userMembers{u, ms}, err
	})
	if err != nil {
		return nil, err
	}
	u := *c.user
	return &Access{User: &u, Memberships: c.ms, db: db, at: at}, nil
}

// RefreshSession is the session a refresh token belongs to, read with the
// versions of its user's profile in the same query: a refresh reads the
// session first, then its user's access (Access) with no further version read.
type RefreshSession struct {
	*iam.Session
	db *DB
	at stamp
}

// FindRefreshSession returns the session a refresh token (live or spent)
// belongs to, or iam.ErrNotFound.
func (db *DB) FindRefreshSession(ctx context.Context, hash string) (*RefreshSession, error) {
	rs := &RefreshSession{db: db}
	var err error
	rs.Session, err = scanSession(withStamp{db.r.QueryRowContext(ctx, `SELECT `+sessionColumns+`,
		COALESCE((SELECT v FROM user_versions WHERE user_versions.user_id = sessions.user_id), 0),
		(SELECT v FROM profile_epoch WHERE id = 1)
		FROM sessions WHERE id = (SELECT session_id FROM refresh_tokens WHERE hash = $1)`, hash), &rs.at})
	if err != nil {
		return nil, err
	}
	return rs, nil
}

// Access returns the session's user and memberships as FindAccess does, at
// the versions read with the session.
func (rs *RefreshSession) Access(ctx context.Context) (*Access, error) {
	return rs.db.accessAt(ctx, rs.UserID, rs.at)
}

// withStamp scans a row's columns and then the two versions that follow them.
type withStamp struct {
	row *sql.Row
	at  *stamp
}

func (w withStamp) Scan(dest ...any) error {
	return w.row.Scan(append(dest, &w.at.user, &w.at.epoch)...)
}

// Authz returns the user's authorization in tenantID (see FindAuthz) as of
// the versions a was read at. The answer is shared: callers must not modify it.
func (a *Access) Authz(ctx context.Context, tenantID string) (*Authz, error) {
	return a.db.copies.authz.at([2]string{a.User.ID, tenantID}, a.at, func() (*Authz, error) {
		return a.db.findAuthz(ctx, a.User.ID, tenantID)
	})
}

// FindUserProfile returns the user and its details (FindUserDetails of that
// one user), from this DB's copy while the user's profile is unchanged, or
// iam.ErrNotFound. The user is the caller's own copy; the details are shared
// and must not be modified.
func (db *DB) FindUserProfile(ctx context.Context, userID string) (*iam.User, *UserDetails, error) {
	c, err := cached(ctx, db, &db.copies.profiles, userID, userID, func() (userProfile, error) {
		u, err := db.FindUser(ctx, userID)
		if err != nil {
			return userProfile{}, err
		}
		d, err := db.FindUserDetails(ctx, []string{userID})
		return userProfile{u, d}, err
	})
	if err != nil {
		return nil, nil, err
	}
	u := *c.user
	return &u, c.details, nil
}
