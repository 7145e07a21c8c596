package loadtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
)

// user is a user the run created, with its password.
type user struct {
	email, password string
}

// env is what a run sets up once through the management API and the
// scenarios share: an account of its own, users, API tokens.
type env struct {
	cfg      *Config
	clients  []*Client // one per node
	runID    string
	vendor   string
	tenantID string

	loginUsers   []user // logged in over and over by login, sessions and mixed
	sessionUsers []user // each worker's own session in refresh, validate and mixed

	apiDone    bool
	apiErr     error      // why the API-token scenarios are unavailable, or nil
	apiAuth    APIToken   // authenticated over and over by api-token and mixed
	apiRefresh []APIToken // the refresh scenarios' tokens, one per apiTokensPerRefreshToken workers
}

// client returns the node worker i talks to: workers are spread over the nodes.
func (e *env) client(i int) *Client { return e.clients[i%len(e.clients)] }

// newEnv gets a vendor token and creates the run's account on the first node.
func newEnv(ctx context.Context, cfg *Config, clients []*Client) (*env, error) {
	e := &env{cfg: cfg, clients: clients, runID: randomHex(6)}
	c := clients[0]
	var err error
	if e.vendor, err = c.VendorToken(ctx, cfg.ClientID, cfg.APIKey); err != nil {
		return nil, fmt.Errorf("vendor token (check --client-id and --api-key): %w", err)
	}
	e.tenantID = "loadtest-" + e.runID
	if err := c.CreateTenant(ctx, e.vendor, e.tenantID, "Load test "+e.runID); err != nil {
		return nil, fmt.Errorf("create the load test's account: %w", err)
	}
	return e, nil
}

// usersFor is how many users a pool needs: one per worker (so per-identifier
// rate limits and per-user session limits see a realistic spread), at most 256.
func (e *env) usersFor() int { return min(e.cfg.Concurrency, 256) }

func prepareLoginUsers(ctx context.Context, e *env) error {
	return e.ensureUsers(ctx, &e.loginUsers, "login", e.usersFor())
}

func prepareSessionUsers(ctx context.Context, e *env) error {
	return e.ensureUsers(ctx, &e.sessionUsers, "session", e.usersFor())
}

// ensureUsers grows pool to n users, creating them eight at a time (each
// costs the server a password hash).
func (e *env) ensureUsers(ctx context.Context, pool *[]user, kind string, n int) error {
	have := len(*pool)
	if have >= n {
		return nil
	}
	created := make([]user, n-have)
	errs := make([]error, len(created))
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i := range created {
		created[i] = user{
			email:    fmt.Sprintf("loadtest-%s-%s-%d@example.com", e.runID, kind, have+i),
			password: "lt-" + randomHex(12),
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			_, errs[i] = e.clients[0].CreateUser(ctx, e.vendor, e.tenantID, created[i].email, created[i].password)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("create users: %w", err)
	}
	*pool = append(*pool, created...)
	return nil
}

// prepareAPITokens creates the API tokens once and checks that the server
// authenticates them; a 404 from either route makes the API-token scenarios
// unavailable (an error wrapping ErrUnavailable).
func prepareAPITokens(ctx context.Context, e *env) error {
	if e.apiDone {
		return e.apiErr
	}
	e.apiDone = true
	e.apiErr = e.createAPITokens(ctx)
	return e.apiErr
}

func (e *env) createAPITokens(ctx context.Context) error {
	c := e.clients[0]
	var err error
	if e.apiAuth, err = c.CreateAPIToken(ctx, e.vendor, e.tenantID, "hatch loadtest "+e.runID); err != nil {
		return err
	}
	if _, err := c.APITokenAuth(ctx, e.apiAuth); err != nil {
		return err
	}
	n := (e.cfg.Concurrency + apiTokensPerRefreshToken - 1) / apiTokensPerRefreshToken
	for range n {
		tok, err := c.CreateAPIToken(ctx, e.vendor, e.tenantID, "hatch loadtest refresh "+e.runID)
		if err != nil {
			return err
		}
		e.apiRefresh = append(e.apiRefresh, tok)
	}
	return nil
}

// prepareMixed prepares everything the mixed workload uses; without API-token
// routes it runs without them.
func prepareMixed(ctx context.Context, e *env) error {
	if err := prepareLoginUsers(ctx, e); err != nil {
		return err
	}
	if err := prepareSessionUsers(ctx, e); err != nil {
		return err
	}
	if err := prepareAPITokens(ctx, e); err != nil && !errors.Is(err, ErrUnavailable) {
		return err
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
