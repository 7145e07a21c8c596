package loadtest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// The scenarios, by the name --scenarios takes.
const (
	ScenarioLogin           = "login"
	ScenarioRefresh         = "refresh"
	ScenarioValidate        = "validate"
	ScenarioAPIToken        = "api-token"
	ScenarioAPITokenRefresh = "api-token-refresh"
	ScenarioMixed           = "mixed"
	ScenarioSessions        = "sessions"
	ScenarioRotations       = "rotations"
)

// DefaultScenarios are the timed scenarios run when none are named.
var DefaultScenarios = []string{ScenarioLogin, ScenarioRefresh, ScenarioValidate, ScenarioAPIToken, ScenarioAPITokenRefresh, ScenarioMixed}

// step sends one request and returns how long the request itself took;
// recovery work (logging in again after a failed refresh) is not counted.
type step func(ctx context.Context) (time.Duration, error)

// scenario is one kind of load. prepare makes what every worker shares and
// returns an error wrapping ErrUnavailable when the server lacks the routes;
// worker makes worker i's state (its session, say) and its step.
type scenario struct {
	name    string
	about   string
	counted bool // bounded by a count of its own (--sessions, --rotations) rather than --duration
	prepare func(ctx context.Context, e *env) error
	worker  func(ctx context.Context, e *env, i int) (step, error)
}

var scenarios = []scenario{
	{name: ScenarioLogin, about: "password login: one argon2id verification, a new session, one RS256 signature",
		prepare: prepareLoginUsers, worker: loginWorker},
	{name: ScenarioRefresh, about: "user-token refresh with rotation: each worker keeps its own session and rotates it",
		prepare: prepareSessionUsers, worker: refreshWorker},
	{name: ScenarioValidate, about: "GET " + pathMe + " with a user access token: one RS256 verification and the route's reads",
		prepare: prepareSessionUsers, worker: validateWorker},
	{name: ScenarioAPIToken, about: "client-credentials authentication: POST " + pathAPITokenAuth,
		prepare: prepareAPITokens, worker: apiTokenWorker},
	{name: ScenarioAPITokenRefresh, about: "API-token refresh with rotation: POST " + pathAPITokenRefresh,
		prepare: prepareAPITokens, worker: apiTokenRefreshWorker},
	{name: ScenarioMixed, about: mixAbout, prepare: prepareMixed, worker: mixedWorker},
	{name: ScenarioSessions, about: "opens --sessions sessions by password login (for the memory figures)", counted: true,
		prepare: prepareLoginUsers, worker: loginWorker},
	{name: ScenarioRotations, about: "rotates refresh tokens --rotations times in all (for the memory figures)", counted: true,
		prepare: prepareSessionUsers, worker: refreshWorker},
}

func findScenario(name string) (scenario, bool) {
	for _, s := range scenarios {
		if s.name == name {
			return s, true
		}
	}
	return scenario{}, false
}

// timed runs call and returns its duration.
func timed(call func() error) (time.Duration, error) {
	start := time.Now()
	err := call()
	return time.Since(start), err
}

func loginWorker(ctx context.Context, e *env, i int) (step, error) {
	c, u := e.client(i), e.loginUsers[i%len(e.loginUsers)]
	return func(ctx context.Context) (time.Duration, error) {
		return timed(func() error { _, err := c.Login(ctx, u.email, u.password); return err })
	}, nil
}

// userSession is a worker's own login, renewed by rotation.
type userSession struct {
	c    *Client
	u    user
	toks Tokens
}

func (s *userSession) login(ctx context.Context) error {
	toks, err := s.c.Login(ctx, s.u.email, s.u.password)
	if err != nil {
		return fmt.Errorf("log in %s: %w", s.u.email, err)
	}
	s.toks = toks
	return nil
}

// refresh rotates the session's refresh token; after a failure it logs in
// again (not counted) so that the next rotation has a live token.
func (s *userSession) refresh(ctx context.Context) (time.Duration, error) {
	var next Tokens
	d, err := timed(func() (err error) { next, err = s.c.Refresh(ctx, s.toks.Refresh); return err })
	if err != nil {
		if lerr := s.login(ctx); lerr != nil {
			err = errors.Join(err, lerr)
		}
		return d, err
	}
	s.toks = next
	return d, nil
}

// validate calls users/v2/me with the session's access token.
func (s *userSession) validate(ctx context.Context) (time.Duration, error) {
	d, err := timed(func() error { return s.c.Me(ctx, s.toks.Access) })
	if err != nil {
		if lerr := s.login(ctx); lerr != nil {
			err = errors.Join(err, lerr)
		}
	}
	return d, err
}

func newUserSession(ctx context.Context, e *env, i int) (*userSession, error) {
	s := &userSession{c: e.client(i), u: e.sessionUsers[i%len(e.sessionUsers)]}
	return s, s.login(ctx)
}

func refreshWorker(ctx context.Context, e *env, i int) (step, error) {
	s, err := newUserSession(ctx, e, i)
	return s.refresh, err
}

func validateWorker(ctx context.Context, e *env, i int) (step, error) {
	s, err := newUserSession(ctx, e, i)
	return s.validate, err
}

func apiTokenWorker(ctx context.Context, e *env, i int) (step, error) {
	c := e.client(i)
	return func(ctx context.Context) (time.Duration, error) {
		return timed(func() error { _, err := c.APITokenAuth(ctx, e.apiAuth); return err })
	}, nil
}

// apiSession is a worker's own API-token authentication, renewed by rotation.
type apiSession struct {
	c    *Client
	tok  APIToken
	toks Tokens
}

func (s *apiSession) auth(ctx context.Context) (err error) {
	s.toks, err = s.c.APITokenAuth(ctx, s.tok)
	return err
}

func (s *apiSession) refresh(ctx context.Context) (time.Duration, error) {
	var next Tokens
	d, err := timed(func() (err error) { next, err = s.c.APITokenRefresh(ctx, s.toks.Refresh); return err })
	if err != nil {
		if aerr := s.auth(ctx); aerr != nil {
			err = errors.Join(err, aerr)
		}
		return d, err
	}
	s.toks = next
	return d, nil
}

// apiTokensPerRefreshToken is how many workers share one API token in the
// refresh scenarios: Frontegg keeps at most 100 live refresh tokens per API
// token, so more workers on one token would evict each other's.
const apiTokensPerRefreshToken = 50

func newAPISession(ctx context.Context, e *env, i int) (*apiSession, error) {
	s := &apiSession{c: e.client(i), tok: e.apiRefresh[i/apiTokensPerRefreshToken%len(e.apiRefresh)]}
	return s, s.auth(ctx)
}

func apiTokenRefreshWorker(ctx context.Context, e *env, i int) (step, error) {
	s, err := newAPISession(ctx, e, i)
	return s.refresh, err
}

// The mixed workload's shares of requests, in percent: mostly requests
// carrying an access token, some refreshes, few logins (each costs as much
// CPU as dozens of the others). Without API-token routes their share goes to
// validate.
const (
	mixValidate        = 70
	mixRefresh         = 20
	mixAPITokenRefresh = 5
	mixAPIToken        = 4
	mixLogin           = 1
	mixAbout           = "70% validate, 20% refresh, 5% api-token-refresh, 4% api-token, 1% login; each worker keeps its own session"
)

func mixedWorker(ctx context.Context, e *env, i int) (step, error) {
	us, err := newUserSession(ctx, e, i)
	if err != nil {
		return nil, err
	}
	var as *apiSession
	if e.apiErr == nil {
		if as, err = newAPISession(ctx, e, i); err != nil {
			return nil, err
		}
	}
	login, _ := loginWorker(ctx, e, i)
	api, _ := apiTokenWorker(ctx, e, i)
	rng := rand.New(rand.NewPCG(uint64(i), uint64(time.Now().UnixNano())))
	return func(ctx context.Context) (time.Duration, error) {
		n := rng.IntN(100)
		switch {
		case n < mixLogin:
			return login(ctx)
		case n < mixLogin+mixRefresh:
			return us.refresh(ctx)
		case as != nil && n < mixLogin+mixRefresh+mixAPIToken:
			return api(ctx)
		case as != nil && n < mixLogin+mixRefresh+mixAPIToken+mixAPITokenRefresh:
			return as.refresh(ctx)
		}
		return us.validate(ctx)
	}, nil
}
