package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/apitokens"
	"github.com/hatchid/hatch/internal/applications"
	"github.com/hatchid/hatch/internal/audit"
	"github.com/hatchid/hatch/internal/audits"
	"github.com/hatchid/hatch/internal/auth"
	"github.com/hatchid/hatch/internal/config"
	"github.com/hatchid/hatch/internal/delegation"
	"github.com/hatchid/hatch/internal/emailpolicy"
	"github.com/hatchid/hatch/internal/factors"
	"github.com/hatchid/hatch/internal/groups"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/invitations"
	"github.com/hatchid/hatch/internal/login"
	"github.com/hatchid/hatch/internal/mail"
	"github.com/hatchid/hatch/internal/messaging"
	"github.com/hatchid/hatch/internal/mfa"
	"github.com/hatchid/hatch/internal/migration"
	"github.com/hatchid/hatch/internal/notify"
	"github.com/hatchid/hatch/internal/oauth"
	"github.com/hatchid/hatch/internal/passwordless"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/rbac"
	"github.com/hatchid/hatch/internal/restrictions"
	"github.com/hatchid/hatch/internal/scope"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/securitypolicy"
	"github.com/hatchid/hatch/internal/sessions"
	"github.com/hatchid/hatch/internal/settings"
	"github.com/hatchid/hatch/internal/social"
	"github.com/hatchid/hatch/internal/sso"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/subaccounts"
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
	migrations  *migration.Worker // runs bulk migration jobs; also used by `hatch import`
	background  []func(context.Context)

	// ClientID is the environment's client ID.
	ClientID string
}

// routable is a domain handler: it registers its own routes.
type routable interface{ Routes(*api.Router) }

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

	audit        *audit.Recorder
	ipRules      *policy.IPRestrictions
	domains      *policy.EmailDomains
	sessionRules *policy.Sessions

	migrator   *migration.Migrator
	migrations *migration.Worker      // bulk migration jobs
	sources    *migration.SourceLogin // lazy migration from user pools, asked by the login route
	httpClient *http.Client           // calls to external systems (Auth0, user sources)

	authn   *token.Authenticator
	scope   *scope.Resolver
	origins func() []string // browser origins allowed with credentials
	factors *factors.Service
}

// domainHandlers builds every domain handler: the one list of what Hatch serves.
func domainHandlers(d *deps) []routable {
	authn := &auth.Handler{DB: d.db, Login: d.login, Cookies: d.cookies, Hasher: d.hasher, Notifier: d.notifier, Settings: d.settings,
		Captcha: d.captcha, Passwords: d.passwords, Issuer: d.issuer, Revocations: d.revocations, ClientID: d.env.clientID, APIKeyHash: d.env.apiKeyHash, Now: d.now, Audit: d.audit, Sources: d.sources}
	// The vendor's applications are the hosted login's registered OAuth clients.
	apps := &applications.Handler{DB: d.db, Scope: d.scope, Sealer: d.sealer, VendorID: d.env.clientID, Now: d.now}
	// The hosted login signs users in through the auth routes' code
	// (Accounts), completes second factors through factors.PageMFA, and sends
	// users to their account's IdP or a social provider (pageSSO), whose
	// callbacks show their errors on its error page.
	hosted := &oauth.Handler{MFA: factors.PageMFA{Factors: d.factors}, DB: d.db, Login: d.login, Cookies: d.cookies, Issuer: d.issuer, Tokens: d.authn, Revocations: d.revocations,
		Settings: d.settings, Audit: d.audit, Accounts: authn, Captcha: d.captcha, BaseURL: d.cfg.BaseURL, ClientID: d.env.clientID,
		APIKeyHash: d.env.apiKeyHash, SecretKey: d.env.secretKey, Log: d.log, Now: d.now, Applications: apps}
	ssoLogins := &sso.Handler{DB: d.db, Login: d.login, Cookies: d.cookies, Settings: d.settings, Sealer: d.sealer,
		BaseURL: d.cfg.BaseURL, Fetch: sso.NewFetchClient(d.cfg.SSOAllowPrivateURLs), AllowInsecureURLs: d.cfg.SSOAllowPrivateURLs,
		Resolver: resolver(d.cfg.DNSResolver), Origins: d.origins, Domains: d.domains, ErrorPage: hosted.ErrorPage, Now: d.now}
	socialLogins := &social.Handler{DB: d.db, Login: d.login, Cookies: d.cookies, Settings: d.settings, Sealer: d.sealer,
		Client: &http.Client{Timeout: 15 * time.Second}, BaseURLs: d.cfg.SocialBaseURLs, AllowHTTP: d.cfg.SSOAllowPrivateURLs, Domains: d.domains,
		BaseURL: d.cfg.BaseURL, ErrorPage: hosted.ErrorPage, Now: d.now}
	hosted.SSO = pageSSO{sso: ssoLogins, social: socialLogins}
	return []routable{
		authn,
		&users.Handler{DB: d.db, Hasher: d.hasher, Notifier: d.notifier, Passwords: d.passwords, Domains: d.domains, Settings: d.settings, Revocations: d.revocations, ClientID: d.env.clientID, Now: d.now,
			Audit: d.audit, Sealer: d.sealer, Log: d.log, BulkInterval: d.cfg.OutboxInterval},
		&tenants.Handler{DB: d.db, Revocations: d.revocations, ClientID: d.env.clientID, Now: d.now},
		&settings.Handler{DB: d.db, Settings: d.settings, Keys: d.keys, Sealer: d.sealer, ClientID: d.env.clientID, Now: d.now},
		&securitypolicy.Handler{DB: d.db, Policies: d.policies, Passwords: d.passwords},
		&restrictions.Handler{DB: d.db, IP: d.ipRules, Domains: d.domains, Audit: d.audit, Now: d.now},
		&sessions.Handler{DB: d.db, Sessions: d.sessionRules, Revocations: d.revocations, Audit: d.audit, Now: d.now},
		&audits.Handler{DB: d.db, Audit: d.audit, VendorID: d.env.clientID, Now: d.now},
		&migration.Handler{DB: d.db, Migrator: d.migrator, Worker: d.migrations, Sealer: d.sealer,
			HTTP: d.httpClient, Now: d.now},
		&rbac.Handler{DB: d.db, Scope: d.scope, VendorID: d.env.clientID, Now: d.now, Log: d.log, Audit: d.audit},
		&groups.Handler{DB: d.db, Scope: d.scope, VendorID: d.env.clientID, Now: d.now},
		apps,
		&subaccounts.Handler{DB: d.db, Scope: d.scope, VendorID: d.env.clientID, Now: d.now},
		&delegation.Handler{DB: d.db, Login: d.login, Cookies: d.cookies, Settings: d.settings, Authn: d.authn, Now: d.now, Log: d.log},
		&emailpolicy.Handler{DB: d.db, Now: d.now},
		ssoLogins,
		socialLogins,
		&mfa.Handler{DB: d.db, Factors: d.factors, Now: d.now},
		&passwordless.Handler{DB: d.db, Factors: d.factors, Login: d.login, Cookies: d.cookies, Settings: d.settings,
			Captcha: d.captcha, Now: d.now},
		&apitokens.Handler{DB: d.db, Issuer: d.issuer, Settings: d.settings, Revocations: d.revocations,
			SecretKey: d.env.secretKey, Audit: d.audit, Now: d.now},
		&messaging.Handler{DB: d.db, Sealer: d.sealer, BaseURL: d.cfg.BaseURL, MailFrom: d.cfg.MailFrom, TwilioURL: d.cfg.TwilioAPIURL,
			Client: &http.Client{Timeout: 10 * time.Second}, MailTimeout: 10 * time.Second, Now: d.now},
		&invitations.Handler{DB: d.db, Hasher: d.hasher, Passwords: d.passwords, Notifier: d.notifier, Settings: d.settings,
			Sealer: d.sealer, ClientID: d.env.clientID, Now: d.now},
		hosted,
	}
}

// Besides routes, a domain handler may take part in every login (login.Check,
// login.ClaimsHook) and work in the background (runner: the users handler
// processes bulk invitations; Run returns when ctx ends); build wires what each offers.
type runner interface{ Run(context.Context) }

// resolver returns the DNS resolver that asks addr (host:port), or the
// system's when addr is empty.
func resolver(addr string) *net.Resolver {
	if addr == "" {
		return net.DefaultResolver
	}
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
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
	a.revocations = &token.Revocations{DB: db, Now: now,
		MaxTokenTTL: time.Duration(max(core.DefaultTokenExpiration, 30*86400)) * time.Second}
	if err := a.revocations.Poll(ctx); err != nil {
		return err
	}
	// Revocations reach this node within half a second of any node making them.
	a.every("poll revoked sessions", 500*time.Millisecond, a.revocations.Poll)
	a.every("purge", purgeInterval, func(ctx context.Context) error {
		n := now()
		p, err := db.Purge(ctx, n, n.Add(-a.revocations.MaxTokenTTL), n.Add(-7*24*time.Hour))
		if err == nil {
			a.log.Debug("purged", "sessions", p.Sessions, "codes", p.Codes, "messages", p.Messages)
		}
		return err
	})

	argon := secure.DefaultArgon2
	if opt.Argon2 != nil {
		argon = *opt.Argon2
	}
	hasher := secure.NewHasher(argon)
	issuer := &token.Issuer{Keys: keys, Issuer: cfg.BaseURL, Audience: env.clientID, Now: now}
	authn := &token.Authenticator{Keys: keys, Revocations: a.revocations, Now: now,
		ClientID: env.clientID, KeyVersion: token.VendorKeyVersion(env.apiKeyHash)}
	// Security policies: lockout counts failed logins, the password policies
	// check new passwords and expire old ones, the captcha guards logins; the
	// audit log records security events; IP rules are enforced at login and
	// refresh (IPCheck) and on every authenticated request (IPGuard wraps the
	// token authenticator below); session rules bound sessions' lifetimes and number.
	policies := policy.NewPolicies(db, settings, now)
	passwords := &policy.Passwords{DB: db, Hasher: hasher, Policies: policies, Breached: policy.CommonPasswords(), Now: now,
		ResetCodeKind: notify.CodePasswordReset, ResetTTL: notify.PasswordResetTTL}
	captcha := &policy.Captcha{DB: db, Sealer: sealer, Client: &http.Client{Timeout: 10 * time.Second},
		VerifyURL: cfg.RecaptchaVerifyURL, Now: now}
	recorder := &audit.Recorder{DB: db, Now: now}
	ipRules := &policy.IPRestrictions{DB: db, Now: now}
	sessionRules := &policy.Sessions{DB: db, Now: now}
	lockout := &policy.Lockout{DB: db, Policies: policies.Lockout, Now: now}
	logins := &login.Service{DB: db, Issuer: issuer, Settings: settings, Revocations: a.revocations, Now: now,
		Failures: lockout, Passwords: passwords,
		Checks: []login.Check{&restrictions.IPCheck{Rules: ipRules, Audit: recorder}}, Sessions: sessionRules, Audit: recorder}
	cookies := &login.Cookies{ClientID: env.clientID, Secure: strings.HasPrefix(cfg.BaseURL, "https://")}
	outbox, err := a.outboxWorker(now, sealer)
	if err != nil {
		return err
	}
	smsOutbox := &notify.SMSWorker{DB: db, Sealer: sealer, BaseURL: cfg.TwilioAPIURL, Log: a.log, Now: now,
		Schedule: notify.Schedule{Interval: cfg.OutboxInterval}}
	a.background = append(a.background, outbox.Run, smsOutbox.Run)

	origins := func() []string { return append(slices.Clone(cfg.CORSOrigins), settings.CachedCore().AllowedOrigins...) }
	notifier := &notify.Notifier{DB: db, BaseURL: cfg.BaseURL, Now: now, Wake: outbox.Wake, WakeSMS: smsOutbox.Wake}
	// A user locked by failed logins is recorded in the audit log and emailed
	// an unlock link, in the transaction that locks it.
	lockout.OnLock = func(ctx context.Context, tx *store.Tx, u *iam.User) error {
		e := audit.Event{TenantID: u.ActiveTenantID, UserID: u.ID, Email: u.Email, ActorID: u.ID, ActorType: audit.ActorUser,
			ActorEmail: u.Email, Action: audit.ActionLockout, Resource: "Authentication", Severity: audit.High, Outcome: audit.Failure}
		if err := recorder.RecordTx(ctx, tx, e); err != nil {
			return err
		}
		return notifier.Unlock(ctx, tx, u)
	}
	// Second factors and passwordless sign-in. SMS codes wait in the outbox
	// (channel sms) until an SMS sender delivers them.
	secondFactors := &factors.Service{DB: db, Sealer: sealer, Login: logins, Cookies: cookies, Settings: settings,
		Policies: factors.NewMFAPolicies(db, now), Notifier: notifier, SMS: factors.TemplatedSMS{Notifier: notifier}, Audit: recorder, Now: now,
		RP: &factors.RelyingParty{BaseURL: cfg.BaseURL, Name: "Hatch", Origins: origins}}
	logins.SecondFactor = secondFactors

	d := &deps{db: db, now: now, log: a.log, cfg: cfg, env: env, sealer: sealer, keys: keys, settings: settings,
		hasher: hasher, issuer: issuer, login: logins, cookies: cookies, revocations: a.revocations,
		notifier: notifier, policies: policies, passwords: passwords, captcha: captcha, origins: origins,
		authn: authn, scope: &scope.Resolver{DB: db}, factors: secondFactors}
	d.audit, d.ipRules, d.sessionRules = recorder, ipRules, sessionRules
	d.domains = &policy.EmailDomains{DB: db, Now: now}
	// Data migration: the bulk job worker every node runs, and the user pools
	// the login route asks about unknown users.
	d.httpClient = &http.Client{Timeout: 30 * time.Second}
	d.migrator = &migration.Migrator{DB: db, Sealer: sealer, Now: now}
	d.migrations = migration.NewWorker(d.migrator, a.log)
	d.sources = &migration.SourceLogin{DB: db, Migrator: d.migrator, Sealer: sealer, Hasher: hasher, HTTP: d.httpClient, Log: a.log, Now: now}
	a.migrations = d.migrations
	a.background = append(a.background, d.migrations.Run)

	metrics := api.NewMetrics()
	outbox.Register(metrics)
	smsOutbox.Register(metrics)
	router := api.NewRouter(&policy.IPGuard{Next: authn, Rules: ipRules}, a.log, metrics)
	limits := &policy.RateLimits{DB: db, Now: now,
		Address: policy.Rate(cfg.RateLimitAddress), Identifier: policy.Rate(cfg.RateLimitIdentifier)}
	router.Limit(limits)
	a.every("prune rate limits", policy.PruneInterval, limits.Prune)
	a.mountOps(router, metrics, keys)
	for _, h := range domainHandlers(d) {
		h.Routes(router)
		if c, ok := h.(login.Check); ok {
			logins.Checks = append(logins.Checks, c)
		}
		if c, ok := h.(login.ClaimsHook); ok {
			logins.ClaimsHooks = append(logins.ClaimsHooks, c)
		}
		if r, ok := h.(runner); ok {
			a.background = append(a.background, r.Run)
		}
	}
	mw := &api.Middleware{
		Log: a.log, Metrics: metrics, MaxBodyBytes: cfg.MaxBodyBytes, TrustedProxies: cfg.TrustedProxies,
		CORS: &api.CORS{Origins: origins},
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

// purgeInterval is how often rows that can no longer matter are deleted
// (store.DB.Purge): sessions over for longer than any access token lives,
// expired codes, and messages delivered or failed a week ago. Several nodes
// purging at once is harmless.
const purgeInterval = 10 * time.Minute

// every schedules step to run every interval once the app starts, until its
// context ends. A failing step is logged and tried again next time.
func (a *App) every(name string, interval time.Duration, step func(context.Context) error) {
	a.background = append(a.background, func(ctx context.Context) {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := step(ctx); err != nil && ctx.Err() == nil {
					a.log.Warn(name, "err", err)
				}
			}
		}
	})
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
