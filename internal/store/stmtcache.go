package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
)

// pool is a connection pool whose statements, when stmts is set, are
// prepared once and then reused on every connection. The pure-Go SQLite
// driver otherwise parses and plans each statement on every call: that was a
// third of the CPU of GET users/v2/me and a sixth of a token refresh.
// PostgreSQL needs no cache here: pgx keeps prepared statements per
// connection itself.
type pool struct {
	*sql.DB
	stmts *stmtCache // nil: every call goes straight to the driver
}

// The cache's bounds: a prepared statement costs some kilobytes on each
// connection of the pool (300 statements on 8 connections took 13 MB), so
// at most maxCachedStatements are kept, enough for every hot path; and
// queries with more than maxCachedPlaceholders placeholders (long IN lists,
// built anew for each length) are not cached at all. Past either bound,
// statements run unprepared, as without a cache.
const (
	maxCachedStatements   = 256
	maxCachedPlaceholders = 16
)

type stmtCache struct {
	mu      sync.RWMutex
	byQuery map[string]*sql.Stmt
	pending map[string]bool // first met inside a transaction, to prepare once it ends
}

// stmt returns the prepared statement for query, preparing it on first use;
// nil when query is a script (several statements), cannot be prepared (the
// plain call then reports why) or the cache is full. Inside a transaction
// (inTx) a query not yet prepared is only noted, to be prepared when the
// transaction ends: preparing takes a connection of the pool, and the
// SQLite writer's only connection is the transaction's own. For the same
// reason no lock is held while preparing.
func (p *pool) stmt(ctx context.Context, query string, inTx bool) *sql.Stmt {
	c := p.stmts
	if c == nil || strings.Contains(query, ";") || strings.Count(query, "$") > maxCachedPlaceholders {
		return nil
	}
	c.mu.RLock()
	st, ok := c.byQuery[query]
	c.mu.RUnlock()
	switch {
	case ok:
		return st
	case inTx:
		c.mu.Lock()
		if len(c.byQuery)+len(c.pending) < maxCachedStatements {
			if c.pending == nil {
				c.pending = map[string]bool{}
			}
			c.pending[query] = true
		}
		c.mu.Unlock()
		return nil
	}
	return p.prepare(ctx, query)
}

func (p *pool) prepare(ctx context.Context, query string) *sql.Stmt {
	c := p.stmts
	c.mu.RLock()
	full := len(c.byQuery) >= maxCachedStatements
	c.mu.RUnlock()
	if full {
		return nil
	}
	st, err := p.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.byQuery[query]; ok { // prepared meanwhile by another caller
		st.Close()
		return prev
	}
	if c.byQuery == nil {
		c.byQuery = map[string]*sql.Stmt{}
	}
	c.byQuery[query] = st
	return st
}

// preparePending prepares the queries first met inside transactions; called
// once a transaction has released its connection.
func (p *pool) preparePending() {
	c := p.stmts
	if c == nil {
		return
	}
	c.mu.Lock()
	pending := c.pending
	c.pending = nil
	c.mu.Unlock()
	for query := range pending {
		p.prepare(context.Background(), query)
	}
}

func (p *pool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := p.stmt(ctx, query, false); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.DB.ExecContext(ctx, query, args...)
}

func (p *pool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.stmt(ctx, query, false); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.DB.QueryContext(ctx, query, args...)
}

func (p *pool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.stmt(ctx, query, false); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.DB.QueryRowContext(ctx, query, args...)
}

// BeginTx starts a transaction whose statements come from the same cache.
func (p *pool) BeginTx(ctx context.Context, opts *sql.TxOptions) (*poolTx, error) {
	tx, err := p.DB.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &poolTx{Tx: tx, pool: p}, nil
}

// Close closes the cached statements, then the pool.
func (p *pool) Close() error {
	var errs []error
	if c := p.stmts; c != nil {
		c.mu.Lock()
		for _, st := range c.byQuery {
			errs = append(errs, st.Close())
		}
		c.byQuery = nil
		c.mu.Unlock()
	}
	return errors.Join(append(errs, p.DB.Close())...)
}

// poolTx is a transaction of a pool: a cached statement runs on the
// transaction's connection, prepared there once (sql.Tx.StmtContext reuses a
// statement already prepared on that connection).
type poolTx struct {
	*sql.Tx
	pool *pool
}

// Commit commits, then prepares the statements the transaction met first.
func (t *poolTx) Commit() error {
	err := t.Tx.Commit()
	t.pool.preparePending()
	return err
}

// Rollback rolls back, then prepares the statements the transaction met first.
func (t *poolTx) Rollback() error {
	err := t.Tx.Rollback()
	t.pool.preparePending()
	return err
}

func (t *poolTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.pool.stmt(ctx, query, true); st != nil {
		return t.Tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

func (t *poolTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.pool.stmt(ctx, query, true); st != nil {
		return t.Tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

func (t *poolTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.pool.stmt(ctx, query, true); st != nil {
		return t.Tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}
