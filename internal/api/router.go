package api

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

// HandlerFunc is a route handler. A returned error is written by the router
// in the Frontegg shape; a handler that returns an error must not have written.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Access declares which callers a route admits and, for user callers, the
// permission key they must hold in their active account.
type Access struct {
	vendor, user, apiToken, public bool
	permission                     string
	pages                          PageErrors
}

// The caller kinds a route can admit.
var (
	// Public routes need no credentials; a valid token, if sent, is still read.
	Public = Access{public: true}
	// Vendor routes need the environment token (POST /auth/vendor).
	Vendor = Access{vendor: true}
	// User routes need a user access token.
	User = Access{user: true}
	// SelfService routes take a user token, an API token, or the vendor token
	// with frontegg-tenant-id / frontegg-user-id headers.
	SelfService = Access{vendor: true, user: true, apiToken: true}
)

// Can returns a copy of a that also requires the permission key from user and
// API-token callers. Vendors hold every permission.
func (a Access) Can(permission string) Access {
	a.permission = permission
	return a
}

// PageErrors writes a route's error as an HTML page, for routes a browser
// navigates to (the hosted login's pages and callbacks). It returns nil once
// it has written the page, or an error — err itself when the request is not
// one it answers with a page — that the router then writes as JSON.
type PageErrors func(w http.ResponseWriter, r *http.Request, err error) error

// ForNavigations returns p limited to requests a browser makes to load a
// page — a GET, or an HTML form post — so that scripts calling the same
// route still get JSON. A nil p stays nil.
func (p PageErrors) ForNavigations() PageErrors {
	if p == nil {
		return nil
	}
	return func(w http.ResponseWriter, r *http.Request, err error) error {
		form := strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "application/x-www-form-urlencoded")
		if r.Method != http.MethodGet && !form {
			return err
		}
		return p(w, r, err)
	}
}

// WithPages returns a copy of a whose errors, the handler's and the
// router's own (a rate limit, refused credentials), go to pages first.
func (a Access) WithPages(pages PageErrors) Access {
	a.pages = pages
	return a
}

// Authenticator reads a request's credentials. It returns (nil, nil) when the
// request carries none, and an *iam.Error of kind Unauthorized when they are
// invalid, expired, revoked or of the wrong type.
type Authenticator interface {
	Authenticate(r *http.Request) (*iam.Principal, error)
}

// Limiter meters requests to Public routes before their handler runs. Limit
// returns nil to let r through, or the error to answer with (a KindRateLimited
// error, in a *RetryAfter for the headers). It may read r's body if it puts it back.
type Limiter interface {
	Limit(r *http.Request) error
}

// Router registers routes on a ServeMux, each also under the /frontegg prefix
// that @frontegg/rest-api adds.
type Router struct {
	mux     *http.ServeMux
	auth    Authenticator
	log     *slog.Logger
	metrics *Metrics
	limiter Limiter
	routes  []string
}

// Prefix is the path prefix the browser client puts before every route.
const Prefix = "/frontegg"

// NewRouter returns a Router that authenticates with auth and logs to log.
func NewRouter(auth Authenticator, log *slog.Logger, metrics *Metrics) *Router {
	return &Router{mux: http.NewServeMux(), auth: auth, log: log, metrics: metrics}
}

// Limit makes every Public route consult l first; raw routes (health,
// metrics, JWKS) are never limited.
func (rt *Router) Limit(l Limiter) { rt.limiter = l }

// Handle registers h for pattern ("METHOD /path"), admitting the callers in access.
func (rt *Router) Handle(pattern string, access Access, h HandlerFunc) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok || !strings.HasPrefix(path, "/") {
		panic("api: pattern must be \"METHOD /path\": " + pattern)
	}
	handler := rt.wrap(access, h)
	rt.mux.Handle(pattern, handler)
	rt.mux.Handle(method+" "+Prefix+path, handler)
	rt.routes = append(rt.routes, pattern)
}

// HandleRaw registers a plain http.Handler (health, metrics, JWKS), also
// under the prefix, without authentication.
func (rt *Router) HandleRaw(pattern string, h http.Handler) {
	method, path, _ := strings.Cut(pattern, " ")
	rt.mux.Handle(pattern, h)
	rt.mux.Handle(method+" "+Prefix+path, h)
	rt.routes = append(rt.routes, pattern)
}

// Routes returns every registered pattern, sorted by path then method.
func (rt *Router) Routes() []string {
	out := slices.Clone(rt.routes)
	slices.SortFunc(out, func(a, b string) int {
		ma, pa, _ := strings.Cut(a, " ")
		mb, pb, _ := strings.Cut(b, " ")
		if c := strings.Compare(pa, pb); c != 0 {
			return c
		}
		return strings.Compare(ma, mb)
	})
	return out
}

// Mux returns the ServeMux, with a Frontegg-shaped 404 for unknown routes.
func (rt *Router) Mux() *http.ServeMux {
	rt.mux.Handle("/", rt.wrap(Public, func(w http.ResponseWriter, r *http.Request) error {
		return iam.NotFound("Cannot %s %s", r.Method, r.URL.Path)
	}))
	return rt.mux
}

func (rt *Router) wrap(access Access, h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := rt.auth.Authenticate(r)
		if err != nil && access.public {
			// A stale token sent to a public route (the browser client sends
			// whatever it holds, even to refresh) is ignored, not refused.
			p, err = nil, nil
		}
		if err == nil {
			err = access.admit(p)
		}
		if err == nil && access.public && rt.limiter != nil {
			err = rt.limiter.Limit(r)
		}
		if err == nil {
			if p != nil {
				r = r.WithContext(context.WithValue(r.Context(), principalKey{}, p))
			}
			err = h(w, r)
		}
		if err != nil {
			retryHeaders(w, err)
			if access.pages != nil && access.pages(w, r, err) == nil {
				return
			}
			WriteError(w, r, rt.log, err)
		}
	})
}

func (a Access) admit(p *iam.Principal) error {
	if a.public {
		return nil
	}
	if p == nil {
		return iam.Unauthorized("Unauthorized")
	}
	switch p.Kind {
	case iam.CallerVendor:
		if a.vendor {
			return nil
		}
	case iam.CallerUser:
		if a.user {
			return a.checkPermission(p)
		}
	case iam.CallerAPIToken:
		if a.apiToken {
			return a.checkPermission(p)
		}
	}
	return iam.Forbidden("This route does not accept this kind of token")
}

func (a Access) checkPermission(p *iam.Principal) error {
	if a.permission == "" || p.Can(a.permission) {
		return nil
	}
	return iam.Forbidden("Insufficient permissions")
}

type principalKey struct{}

// PrincipalFrom returns the authenticated caller, or nil on a public route
// called without credentials.
func PrincipalFrom(ctx context.Context) *iam.Principal {
	p, _ := ctx.Value(principalKey{}).(*iam.Principal)
	return p
}

// WithPrincipal returns ctx carrying p; for tests and internal calls.
func WithPrincipal(ctx context.Context, p *iam.Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// Middleware is the outer layer every request passes: trace id, access log,
// metrics, body limit, client address and CORS.
type Middleware struct {
	Log            *slog.Logger
	Metrics        *Metrics
	MaxBodyBytes   int64
	TrustedProxies []*net.IPNet
	CORS           *CORS
}

type traceKey struct{}
type clientIPKey struct{}
type appIDKey struct{}

// RequestedApplicationID returns the request's frontegg-requested-application-id
// header: the application a login is for ("" when the request names none).
// It is in the context so that every login flow's checks can see it.
func RequestedApplicationID(ctx context.Context) string {
	s, _ := ctx.Value(appIDKey{}).(string)
	return s
}

// TraceID returns the request's trace id (also sent as frontegg-trace-id).
func TraceID(ctx context.Context) string {
	s, _ := ctx.Value(traceKey{}).(string)
	return s
}

// ClientIP returns the caller's address: the connection's peer, or the
// left-most untrusted hop of X-Forwarded-For when the peer is a trusted proxy.
func ClientIP(ctx context.Context) string {
	s, _ := ctx.Value(clientIPKey{}).(string)
	return s
}

// Wrap returns next behind the middleware.
func (m *Middleware) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		trace := newTraceID()
		ctx := context.WithValue(r.Context(), traceKey{}, trace)
		ctx = context.WithValue(ctx, clientIPKey{}, clientIP(r, m.TrustedProxies))
		ctx = context.WithValue(ctx, appIDKey{}, r.Header.Get("frontegg-requested-application-id"))
		r = r.WithContext(ctx)
		w.Header().Set("frontegg-trace-id", trace)
		if m.CORS != nil && m.CORS.handle(w, r) {
			return
		}
		if r.Body != nil && m.MaxBodyBytes > 0 {
			r.Body = http.MaxBytesReader(w, r.Body, m.MaxBodyBytes)
		}
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		elapsed := time.Since(start)
		route := r.Pattern
		if route == "" || route == "/" {
			route = "unmatched"
		} else {
			route = strings.Replace(route, " "+Prefix+"/", " /", 1)
		}
		if m.Metrics != nil {
			m.Metrics.observe(route, sw.status, elapsed)
		}
		m.Log.LogAttrs(ctx, slog.LevelDebug, "request", slog.String("trace_id", trace), slog.String("method", r.Method),
			slog.String("path", r.URL.Path), slog.Int("status", sw.status), slog.Duration("elapsed", elapsed))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func clientIP(r *http.Request, trusted []*net.IPNet) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if len(trusted) == 0 || !inNets(host, trusted) {
		return host
	}
	hops := strings.Split(r.Header.Get("X-Forwarded-For"), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if hop == "" {
			continue
		}
		if !inNets(hop, trusted) {
			return hop
		}
		host = hop
	}
	return host
}

func inNets(addr string, nets []*net.IPNet) bool {
	ip := net.ParseIP(addr)
	if ip == nil {
		return false
	}
	for _, n := range nets {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}
