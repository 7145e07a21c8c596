package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/auth"
	"github.com/hatchid/hatch/internal/config"
	"github.com/hatchid/hatch/internal/invitations"
	"github.com/hatchid/hatch/internal/login"
	"github.com/hatchid/hatch/internal/mail"
	"github.com/hatchid/hatch/internal/messaging"
	"github.com/hatchid/hatch/internal/notify"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/securitypolicy"
	"github.com/hatchid/hatch/internal/settings"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/tenants"
	"github.com/hatchid/hatch/internal/token"
	"github.com/hatchid/hatch/internal/users"
)

// Options are what New needs besides the configuration.
type Options struct {
	Log    *slog.Logger
	Stdout io.Writer        // where generated credentials are printed once
	Now    func() time.Time // the clock; time.Now when nil
	Argon2 *secure.Argon2Params
}

// App is a built Hatch server.
type App struct {
	cfg         *config.Config
	log         *slog.Logger
	db          *store.DB
	handler     http.Handler
	revocations *token.Revocations
	background  []func(context.Context)

	// ClientID is the environment's client ID.
	ClientID string
}

// routable is a domain handler: it registers its own routes.
type routable interface{ Routes(*api.Router) }

// runner is a domain handler that also works in the background (the users
// handler processes bulk invitations); Run returns when ctx ends.
type runner interface{ Run(ctx context.Context) }

// deps are the shared parts every domain handler is built from.
type deps struct {
	db          *store.DB
	now         func() time.Time
	log         *slog.Logger
	cfg         *config.Config
	env         *environment
	sealer      *secure.Sealer
	keys        *token.KeyRing
	settings    *policy.Settings
	hasher      *secure.Hasher
	issuer      *token.Issuer
	login       *login.Service
	cookies     *login.Cookies
	revocations *token.Revocations
	notifier    *notify.Notifier
	policies    *policy.Policies
	passwords   *policy.Passwords
	captcha     *policy.Captcha
}

// domainHandlers builds every domain handler: the one list of what Hatch serves.
func domainHandlers(d *deps) []routable {
	return []routable{
		&auth.Handler{DB: d.db, Login: d.login, Cookies: d.cookies, Hasher: d.hasher, Notifier: d.notifier, Settings: d.settings,
			Captcha: d.captcha, Passwords: d.passwords, Issuer: d.issuer, Revocations: d.revocations, ClientID: d.env.clientID, APIKeyHash: d.env.apiKeyHash, Now: d.now},
		&users.Handler{DB: d.db, Hasher: d.hasher, Notifier: d.notifier, Passwords: d.passwords, Settings: d.settings, Revocations: d.revocations, ClientID: d.env.clientID, Now: d.now,
			Sealer: d.sealer, Log: d.log, BulkInterval: d.cfg.OutboxInterval},
		&tenants.Handler{DB: d.db, Revocations: d.revocations, ClientID: d.env.clientID, Now: d.now},
		&settings.Handler{DB: d.db, Settings: d.settings, Keys: d.keys, Sealer: d.sealer, ClientID: d.env.clientID, Now: d.now},
		&securitypolicy.Handler{DB: d.db, Policies: d.policies, Passwords: d.passwords},
		&messaging.Handler{DB: d.db, Sealer: d.sealer, BaseURL: d.cfg.BaseURL, MailFrom: d.cfg.MailFrom, TwilioURL: d.cfg.TwilioAPIURL,
			Client: &http.Client{Timeout: 10 * time.Second}, MailTimeout: 10 * time.Second, Now: d.now},
		&invitations.Handler{DB: d.db, Hasher: d.hasher, Passwords: d.passwords, Notifier: d.notifier, Settings: d.settings,
			Sealer: d.sealer, ClientID: d.env.clientID, Now: d.now},
	}
}

// New opens the database, migrates it, prepares credentials and keys, and
// builds every handler. Close releases what it opened.
func New(ctx context.Context, cfg *config.Config, opt Options) (*App, error) {
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	key, err := masterKey(cfg.MasterKey, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	sealer, err := secure.NewSealer(key)
	if err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, log: opt.Log, db: db}
	if err := a.build(ctx, sealer, now, opt); err != nil {
		db.Close()
		return nil, err
	}
	return a, nil
}

func (a *App) build(ctx context.Context, sealer *secure.Sealer, now func() time.Time, opt Options) error {
	cfg, db := a.cfg, a.db
	if err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	stdout := opt.Stdout
	if stdout == nil {
		stdout = io.Discard
	}
	env, err := loadEnvironment(ctx, db, sealer, cfg.ClientID, cfg.APIKey, now, stdout)
	if err != nil {
		return err
	}
	a.ClientID = env.clientID
	keys := &token.KeyRing{DB: db, Sealer: sealer, Now: now}
	if err := keys.Load(ctx); err != nil {
		return err
	}
	settings := &policy.Settings{DB: db, Now: now}
	core, err := settings.Core(ctx)
	if err != nil {
		return err
	}
	a.revocations = &token.Revocations{DB: db, Now: now, Log: a.log, PollInterval: 500 * time.Millisecond,
		MaxTokenTTL: time.Duration(max(core.DefaultTokenExpiration, 30*86400)) * time.Second}
	if err := a.revocations.Poll(ctx); err != nil {
		return err
	}
	a.background = append(a.background, a.revocations.Run)

	argon := secure.DefaultArgon2
	if opt.Argon2 != nil {
		argon = *opt.Argon2
	}
	hasher := secure.NewHasher(argon)
	issuer := &token.Issuer{Keys: keys, Issuer: cfg.BaseURL, Audience: env.clientID, Now: now}
	authn := &token.Authenticator{Keys: keys, Revocations: a.revocations, Now: now,
		ClientID: env.clientID, KeyVersion: token.VendorKeyVersion(env.apiKeyHash)}
	// Security policies: lockout counts failed logins, the password policies
	// check new passwords and expire old ones, the captcha guards logins.
	policies := policy.NewPolicies(db, settings, now)
	passwords := &policy.Passwords{DB: db, Hasher: hasher, Policies: policies, Breached: policy.CommonPasswords(), Now: now,
		ResetCodeKind: notify.CodePasswordReset, ResetTTL: notify.PasswordResetTTL}
	captcha := &policy.Captcha{DB: db, Sealer: sealer, Client: &http.Client{Timeout: 10 * time.Second},
		VerifyURL: cfg.RecaptchaVerifyURL, Now: now}
	logins := &login.Service{DB: db, Issuer: issuer, Settings: settings, Revocations: a.revocations, Now: now,
		Failures: &policy.Lockout{DB: db, Policies: policies.Lockout, Now: now}, Passwords: passwords}
	cookies := &login.Cookies{ClientID: env.clientID, Secure: strings.HasPrefix(cfg.BaseURL, "https://")}
	outbox, err := a.outboxWorker(now, sealer)
	if err != nil {
		return err
	}
	smsOutbox := &notify.SMSWorker{DB: db, Sealer: sealer, BaseURL: cfg.TwilioAPIURL, Log: a.log, Now: now,
		Schedule: notify.Schedule{Interval: cfg.OutboxInterval}}
	a.background = append(a.background, outbox.Run, smsOutbox.Run)

	d := &deps{db: db, now: now, log: a.log, cfg: cfg, env: env, sealer: sealer, keys: keys, settings: settings,
		hasher: hasher, issuer: issuer, login: logins, cookies: cookies, revocations: a.revocations,
		notifier: &notify.Notifier{DB: db, BaseURL: cfg.BaseURL, Now: now, Wake: outbox.Wake, WakeSMS: smsOutbox.Wake},
		policies: policies, passwords: passwords, captcha: captcha}

	metrics := api.NewMetrics()
	outbox.Register(metrics)
	smsOutbox.Register(metrics)
	router := api.NewRouter(authn, a.log, metrics)
	limits := &policy.RateLimits{DB: db, Now: now, Log: a.log,
		Address: policy.Rate(cfg.RateLimitAddress), Identifier: policy.Rate(cfg.RateLimitIdentifier)}
	router.Limit(limits)
	a.background = append(a.background, limits.Run)
	a.mountOps(router, metrics, keys)
	for _, h := range domainHandlers(d) {
		h.Routes(router)
		if bg, ok := h.(runner); ok {
			a.background = append(a.background, bg.Run)
		}
	}
	mw := &api.Middleware{
		Log: a.log, Metrics: metrics, MaxBodyBytes: cfg.MaxBodyBytes, TrustedProxies: cfg.TrustedProxies,
		CORS: &api.CORS{Origins: func() []string { return append(cfg.CORSOrigins, settings.CachedCore().AllowedOrigins...) }},
	}
	a.handler = mw.Wrap(router.Mux())
	return nil
}

// outboxWorker builds the worker that sends queued email through the
// configured mail server (the Email configuration API), or else the one at
// HATCH_SMTP_URL. Without either it says so once and the email stays queued
// in the outbox.
func (a *App) outboxWorker(now func() time.Time, sealer *secure.Sealer) (*notify.Worker, error) {
	w := &notify.Worker{DB: a.db, Sealer: sealer, From: a.cfg.MailFrom, Log: a.log, Now: now,
		Schedule: notify.Schedule{Interval: a.cfg.OutboxInterval}}
	if a.cfg.SMTPURL != "" {
		sender, err := mail.Parse(a.cfg.SMTPURL)
		if err != nil {
			return nil, fmt.Errorf("--smtp-url: %w", err)
		}
		w.Sender = sender
	}
	return w, nil
}

// mountOps registers the operational routes: health, readiness, metrics, JWKS.
func (a *App) mountOps(r *api.Router, metrics *api.Metrics, keys *token.KeyRing) {
	r.HandleRaw("GET /healthz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api.OK(w, map[string]string{"status": "ok"})
	}))
	r.HandleRaw("GET /readyz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := a.db.Ping(ctx); err != nil {
			api.JSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unavailable"})
			return
		}
		api.OK(w, map[string]string{"status": "ok"})
	}))
	r.HandleRaw("GET /metrics", metrics)
	jwks := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "public, max-age=300")
		w.Write(keys.JWKS())
	})
	r.HandleRaw("GET /.well-known/jwks.json", jwks)
}

// Handler returns the HTTP handler serving every route.
func (a *App) Handler() http.Handler { return a.handler }

// DB returns the store, for tests and subcommands.
func (a *App) DB() *store.DB { return a.db }

// Start runs the background loops (revocation polling, outbox) until ctx ends.
func (a *App) Start(ctx context.Context) {
	for _, run := range a.background {
		go run(ctx)
	}
}

// Serve serves on ln until ctx ends, then stops accepting, lets in-flight
// requests finish within the configured grace period, and returns.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	bg, stopBG := context.WithCancel(context.Background())
	defer stopBG()
	a.Start(bg)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.log.Info("shutting down", "grace", a.cfg.ShutdownGrace)
	sctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownGrace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = errors.New("in-flight requests did not finish within the shutdown grace period")
	}
	return err
}

// Close closes the database.
func (a *App) Close() error { return a.db.Close() }

// Routes returns every route Hatch registers, without opening anything.
func Routes() []string {
	r := api.NewRouter(nil, slog.New(slog.DiscardHandler), api.NewMetrics())
	a := &App{}
	a.mountOps(r, api.NewMetrics(), nil)
	for _, h := range domainHandlers(&deps{env: &environment{}, cfg: &config.Config{}}) {
		h.Routes(r)
	}
	return r.Routes()
}
