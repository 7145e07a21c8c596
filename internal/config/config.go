// Package config reads Hatch's settings from flags and the environment. Every
// setting has an environment variable and a flag; the flag wins. It uses the
// standard library only.
package config

import (
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"time"
)

// Config is everything Hatch reads at start-up.
type Config struct {
	Addr           string        // HATCH_ADDR
	DatabaseURL    string        // HATCH_DATABASE_URL: sqlite:PATH or postgres://…
	BaseURL        string        // HATCH_BASE_URL: public URL, used in emails and redirects
	ClientID       string        // HATCH_CLIENT_ID
	APIKey         string        // HATCH_API_KEY
	MasterKey      string        // HATCH_MASTER_KEY: 32 bytes, base64
	SMTPURL        string        // HATCH_SMTP_URL: smtp://user:pass@host:port
	MailFrom       string        // HATCH_MAIL_FROM: sender address for outgoing mail
	LogLevel       string        // HATCH_LOG_LEVEL: debug, info, warn, error
	LogFormat      string        // HATCH_LOG_FORMAT: text or json
	TrustedProxies []*net.IPNet  // HATCH_TRUSTED_PROXIES: CIDRs whose X-Forwarded-For is believed
	CORSOrigins    []string      // HATCH_CORS_ORIGINS: extra allowed browser origins (comma list)
	MaxBodyBytes   int64         // HATCH_MAX_BODY_BYTES
	ShutdownGrace  time.Duration // HATCH_SHUTDOWN_TIMEOUT
	OutboxInterval time.Duration // HATCH_OUTBOX_INTERVAL: how often the outbox is polled
	// HATCH_RATE_LIMIT_ADDRESS and HATCH_RATE_LIMIT_IDENTIFIER: requests to
	// public routes allowed per client address and per identifier (email,
	// username…) in the body, each as "N/window"; "0" turns a limit off.
	RateLimitAddress    RateLimit
	RateLimitIdentifier RateLimit
	RecaptchaVerifyURL  string // HATCH_RECAPTCHA_VERIFY_URL: reCAPTCHA siteverify endpoint
	// HATCH_SSO_ALLOW_PRIVATE_URLS: let account admins point SSO at plain-http
	// URLs and private or loopback addresses (development and tests only).
	SSOAllowPrivateURLs bool
	DNSResolver         string // HATCH_DNS_RESOLVER: host:port of the DNS server SSO domain validation asks; the system's when empty
	// HATCH_SOCIAL_BASE_URLS: provider=URL pairs replacing the scheme and host
	// of a social provider's public endpoints (tests, egress proxies).
	SocialBaseURLs map[string]string
	TwilioAPIURL   string // HATCH_TWILIO_API_URL: Twilio's API, where SMS are sent
	// HATCH_DEBUG_ADDR: a second listener serving Go's runtime profiles
	// (/debug/pprof/) for operators; empty, the default, serves none.
	DebugAddr string
}

// RateLimit is Limit requests per fixed Window; a zero Limit is no limit.
type RateLimit struct {
	Limit  int
	Window time.Duration
}

// Setting describes one setting for --help and the README.
type Setting struct {
	Flag, Env, Default, Usage string
}

// Settings lists every setting in the order --help shows them.
var Settings = []Setting{
	{"addr", "HATCH_ADDR", "localhost:8080", "address to listen on"},
	{"database-url", "HATCH_DATABASE_URL", "sqlite:hatch.db", "sqlite:PATH or postgres://user@host/db"},
	{"base-url", "HATCH_BASE_URL", "", "public URL of this server (default http:// + addr)"},
	{"client-id", "HATCH_CLIENT_ID", "", "environment client ID (generated on first start when unset)"},
	{"api-key", "HATCH_API_KEY", "", "environment API key (generated on first start when unset)"},
	{"master-key", "HATCH_MASTER_KEY", "", "32-byte base64 key for secrets at rest (SQLite: generated beside the database when unset)"},
	{"smtp-url", "HATCH_SMTP_URL", "", "default mail server, smtp://user:pass@host:port (smtps:// for implicit TLS)"},
	{"mail-from", "HATCH_MAIL_FROM", "noreply@localhost", "sender address of outgoing mail"},
	{"log-level", "HATCH_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"log-format", "HATCH_LOG_FORMAT", "text", "text or json"},
	{"trusted-proxies", "HATCH_TRUSTED_PROXIES", "", "comma list of CIDRs whose X-Forwarded-For is trusted"},
	{"cors-origins", "HATCH_CORS_ORIGINS", "", "comma list of browser origins allowed with credentials"},
	{"max-body-bytes", "HATCH_MAX_BODY_BYTES", "1048576", "largest request body accepted"},
	{"shutdown-timeout", "HATCH_SHUTDOWN_TIMEOUT", "15s", "how long in-flight requests may run after SIGTERM"},
	{"outbox-interval", "HATCH_OUTBOX_INTERVAL", "1s", "how often queued email and SMS are picked up"},
	{"rate-limit-address", "HATCH_RATE_LIMIT_ADDRESS", "1000/1m", "requests to public routes per client address, as N/window (0: off)"},
	{"rate-limit-identifier", "HATCH_RATE_LIMIT_IDENTIFIER", "200/1h", "requests to public routes per email, username, phone or user id in the body, as N/window (0: off)"},
	{"recaptcha-verify-url", "HATCH_RECAPTCHA_VERIFY_URL", "https://www.google.com/recaptcha/api/siteverify", "reCAPTCHA siteverify endpoint used when the captcha policy is on"},
	{"sso-allow-private-urls", "HATCH_SSO_ALLOW_PRIVATE_URLS", "false", "let SSO metadata URLs and OIDC issuers be plain http or private addresses (development only)"},
	{"dns-resolver", "HATCH_DNS_RESOLVER", "", "host:port of the DNS server asked for SSO domain TXT records (default: the system's)"},
	{"social-base-urls", "HATCH_SOCIAL_BASE_URLS", "", "comma list of provider=URL replacing a social provider's endpoint host, e.g. google=http://127.0.0.1:9000"},
	{"twilio-api-url", "HATCH_TWILIO_API_URL", "https://api.twilio.com", "Twilio's API, through which SMS are sent once an SMS provider is configured"},
	{"debug-addr", "HATCH_DEBUG_ADDR", "", "address of a separate listener serving Go's profiles at /debug/pprof/ (default: none; keep it private)"},
}

// Load parses args (without the program and subcommand names) and getenv.
// It returns flag.ErrHelp when -h or --help was given (after printing usage to out).
func Load(args []string, getenv func(string) string, out io.Writer) (*Config, error) {
	fs := flag.NewFlagSet("hatch", flag.ContinueOnError)
	fs.SetOutput(out)
	values := make(map[string]*string, len(Settings))
	for _, s := range Settings {
		def := s.Default
		if v := getenv(s.Env); v != "" {
			def = v
		}
		values[s.Flag] = fs.String(s.Flag, def, fmt.Sprintf("%s (env %s)", s.Usage, s.Env))
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	get := func(name string) string { return strings.TrimSpace(*values[name]) }
	c := &Config{
		Addr:        get("addr"),
		DatabaseURL: get("database-url"),
		BaseURL:     strings.TrimRight(get("base-url"), "/"),
		ClientID:    get("client-id"),
		APIKey:      get("api-key"),
		MasterKey:   get("master-key"),
		SMTPURL:     get("smtp-url"),
		MailFrom:    get("mail-from"),
		LogLevel:    get("log-level"),
		LogFormat:   get("log-format"),
		CORSOrigins: splitList(get("cors-origins")),

		RecaptchaVerifyURL: get("recaptcha-verify-url"),
		TwilioAPIURL:       strings.TrimRight(get("twilio-api-url"), "/"),
		DebugAddr:          get("debug-addr"),
	}
	var err error
	switch v := get("sso-allow-private-urls"); v {
	case "true", "1":
		c.SSOAllowPrivateURLs = true
	case "false", "0", "":
	default:
		return nil, fmt.Errorf("--sso-allow-private-urls %q: want true or false", v)
	}
	c.DNSResolver = get("dns-resolver")
	if c.SocialBaseURLs, err = parseBaseURLs(get("social-base-urls")); err != nil {
		return nil, fmt.Errorf("--social-base-urls: %w", err)
	}
	if c.MaxBodyBytes, err = parseInt(get("max-body-bytes")); err != nil {
		return nil, fmt.Errorf("--max-body-bytes: %w", err)
	}
	if c.ShutdownGrace, err = time.ParseDuration(get("shutdown-timeout")); err != nil {
		return nil, fmt.Errorf("--shutdown-timeout: %w", err)
	}
	if c.OutboxInterval, err = time.ParseDuration(get("outbox-interval")); err != nil {
		return nil, fmt.Errorf("--outbox-interval: %w", err)
	}
	if c.RateLimitAddress, err = parseRateLimit(get("rate-limit-address")); err != nil {
		return nil, fmt.Errorf("--rate-limit-address: %w", err)
	}
	if c.RateLimitIdentifier, err = parseRateLimit(get("rate-limit-identifier")); err != nil {
		return nil, fmt.Errorf("--rate-limit-identifier: %w", err)
	}
	for _, s := range splitList(get("trusted-proxies")) {
		if !strings.Contains(s, "/") {
			if strings.Contains(s, ":") {
				s += "/128"
			} else {
				s += "/32"
			}
		}
		_, n, err := net.ParseCIDR(s)
		if err != nil {
			return nil, fmt.Errorf("--trusted-proxies: %w", err)
		}
		c.TrustedProxies = append(c.TrustedProxies, n)
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	return c, c.Validate()
}

// Validate checks values that parsing alone cannot.
func (c *Config) Validate() error {
	var errs []error
	if c.Addr == "" {
		errs = append(errs, errors.New("--addr is empty"))
	}
	if !strings.HasPrefix(c.DatabaseURL, "sqlite:") && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		errs = append(errs, fmt.Errorf("--database-url %q: want sqlite:PATH or postgres://…", c.DatabaseURL))
	}
	if (c.ClientID == "") != (c.APIKey == "") {
		errs = append(errs, errors.New("--client-id and --api-key are set together or not at all"))
	}
	if c.MasterKey != "" {
		if k, err := base64.StdEncoding.DecodeString(c.MasterKey); err != nil || len(k) != 32 {
			errs = append(errs, errors.New("--master-key must be 32 bytes in standard base64"))
		}
	}
	if c.MaxBodyBytes < 1024 {
		errs = append(errs, errors.New("--max-body-bytes must be at least 1024"))
	}
	if !strings.HasPrefix(c.RecaptchaVerifyURL, "https://") && !strings.HasPrefix(c.RecaptchaVerifyURL, "http://") {
		errs = append(errs, fmt.Errorf("--recaptcha-verify-url %q: want an http(s) URL", c.RecaptchaVerifyURL))
	}
	if !strings.HasPrefix(c.TwilioAPIURL, "https://") && !strings.HasPrefix(c.TwilioAPIURL, "http://") {
		errs = append(errs, fmt.Errorf("--twilio-api-url %q: want an http(s) URL", c.TwilioAPIURL))
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		errs = append(errs, fmt.Errorf("--log-format %q: want text or json", c.LogFormat))
	}
	return errors.Join(errs...)
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseRateLimit reads "N/window" (for example "100/1m"), or "0" for no limit.
func parseRateLimit(s string) (RateLimit, error) {
	if s == "0" {
		return RateLimit{}, nil
	}
	n, window, ok := strings.Cut(s, "/")
	limit, err := parseInt(n)
	if !ok || err != nil || limit < 1 {
		return RateLimit{}, fmt.Errorf("%q: want N/window with N > 0, like 100/1m, or 0", s)
	}
	w, err := time.ParseDuration(window)
	if err != nil || w < time.Second {
		return RateLimit{}, fmt.Errorf("%q: the window must be a duration of at least 1s, like 1m", s)
	}
	return RateLimit{Limit: int(limit), Window: w}, nil
}

func parseInt(s string) (int64, error) {
	var n int64
	_, err := fmt.Sscan(s, &n)
	return n, err
}

// parseBaseURLs reads "provider=URL,…" into a map; each URL must be http(s).
func parseBaseURLs(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, pair := range splitList(s) {
		name, raw, ok := strings.Cut(pair, "=")
		u, err := url.Parse(strings.TrimSpace(raw))
		if !ok || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("%q: want provider=http(s)://host", pair)
		}
		out[strings.ToLower(strings.TrimSpace(name))] = strings.TrimRight(u.String(), "/")
	}
	return out, nil
}
