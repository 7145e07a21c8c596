package store

import (
	"context"
	"database/sql"
)

type stmtKey struct {
	pool  *sql.DB
	query string
}

// prepared returns query prepared on pool, once per process; database/sql
// prepares it again on each connection that runs it, once. Methods on the
// busiest paths (API-token authentication and refresh) use it because SQLite
// otherwise parses a statement at every call, which costs more than running
// it. Statements live as long as the DB.
func (db *DB) prepared(ctx context.Context, pool *sql.DB, query string) (*sql.Stmt, error) {
	key := stmtKey{pool, query}
	if s, ok := db.stmts.Load(key); ok {
		return s.(*sql.Stmt), nil
	}
	s, err := pool.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := db.stmts.LoadOrStore(key, s); loaded {
		s.Close()
		return prev.(*sql.Stmt), nil
	}
	return s, nil
}
